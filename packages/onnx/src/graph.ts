/**
 * `GraphBuilder`: the ONNX graph an export is writing — nodes, initialisers, constants and fresh
 * value names — as `onnx-proto` messages. Only this file and export.ts build protobuf messages.
 */
import type { DType, Tensor } from '@flint/tensor';
import { onnx, type schema } from './proto.js';

const { DataType } = onnx.TensorProto;

/** The ONNX element type of a Flint dtype. */
export function onnxType(dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return DataType.FLOAT;
    case 'int32':
      return DataType.INT32;
    case 'bool':
      return DataType.BOOL;
  }
}

/** An attribute value: integers and integer lists as they are; floats wrapped with `float()`/`floats()`. */
export type AttrValue = number | readonly number[] | string | { float: number } | { floats: readonly number[] } | { tensor: schema.ITensorProto };

export const float = (v: number): { float: number } => ({ float: v });
export const floats = (v: readonly number[]): { floats: readonly number[] } => ({ floats: v });

function attribute(name: string, value: AttrValue): schema.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: [...(value as number[])] };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.TENSOR, t: (value as { tensor: schema.ITensorProto }).tensor };
}

/** A `TensorProto` holding `t`'s values (little-endian raw data, as PyTorch writes). */
export function tensorProto(name: string, t: Tensor): schema.ITensorProto {
  const values = t.dataSync();
  let raw: Uint8Array;
  if (t.dtype === 'bool') raw = Uint8Array.from(values, (v) => (v ? 1 : 0));
  else {
    const typed = t.dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values);
    raw = new Uint8Array(typed.buffer);
  }
  return { name, dims: [...t.shape], dataType: onnxType(t.dtype), rawData: raw };
}

/** An int64 `TensorProto` (shapes, axes, pads): `dims` `[n]`, or a scalar with `scalar`. */
export function int64Proto(name: string, values: readonly number[], scalar = false): schema.ITensorProto {
  const raw = new BigInt64Array(values.map((v) => BigInt(v)));
  return { name, dims: scalar ? [] : [values.length], dataType: DataType.INT64, rawData: new Uint8Array(raw.buffer) };
}

/** A float32 `TensorProto` of `values` with `dims`. */
export function floatProto(name: string, values: readonly number[], dims: readonly number[]): schema.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

export class GraphBuilder {
  readonly nodes: schema.INodeProto[] = [];
  readonly initializers: schema.ITensorProto[] = [];
  /** Nodes standing for ops with no mapping: an error if they survive pruning. */
  readonly unsupported = new Map<schema.INodeProto, string>();
  private readonly taken = new Set<string>();
  private readonly counters = new Map<string, number>();

  /** A value name not used yet, from `base` (`base`, `base.1`, `base.2`, ...). */
  fresh(base: string): string {
    let name = base;
    for (let i = this.counters.get(base) ?? 0; this.taken.has(name); i++) {
      name = `${base}.${i + 1}`;
      this.counters.set(base, i + 1);
    }
    this.taken.add(name);
    return name;
  }

  /** Reserves `name` (a graph input or initialiser), which must be free. */
  reserve(name: string): string {
    if (this.taken.has(name)) throw new Error(`exportOnnx: the name '${name}' is used twice`);
    this.taken.add(name);
    return name;
  }

  /**
   * Appends a node `opType(inputs)` named after `scope`; `outputs` are given names, or a count of
   * fresh ones. Returns the output names.
   */
  node(scope: string, opType: string, inputs: readonly string[], outputs: readonly string[] | number = 1, attrs: Record<string, AttrValue | undefined> = {}): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(`${scope ? `/${scope}` : ''}/${opType}_output`)) : [...outputs];
    const attribute_ = Object.entries(attrs)
      .filter((e): e is [string, AttrValue] => e[1] !== undefined)
      .map(([k, v]) => attribute(k, v));
    const name = this.fresh(`${scope ? `/${scope.replaceAll('.', '/')}` : ''}/${opType}`);
    this.nodes.push({ name, opType, input: [...inputs], output: outs, attribute: attribute_ });
    return outs;
  }

  /** Appends one node and returns its single output. */
  op(scope: string, opType: string, inputs: readonly string[], attrs: Record<string, AttrValue | undefined> = {}): string {
    return this.node(scope, opType, inputs, 1, attrs)[0]!;
  }

  /** A `Constant` node holding int64 `values` (a 1-D tensor, or a scalar). */
  int64(values: readonly number[], scalar = false): string {
    const out = this.fresh('onnx::Constant_int64');
    this.nodes.push({ name: this.fresh('/Constant'), opType: 'Constant', input: [], output: [out], attribute: [attribute('value', { tensor: int64Proto('', values, scalar) })] });
    return out;
  }

  /** A `Constant` node holding float32 `values` shaped `dims` (a scalar by default). */
  float32(values: readonly number[], dims: readonly number[] = []): string {
    const out = this.fresh('onnx::Constant_float');
    this.nodes.push({ name: this.fresh('/Constant'), opType: 'Constant', input: [], output: [out], attribute: [attribute('value', { tensor: floatProto('', values, dims) })] });
    return out;
  }

  /** A `Constant` node holding `t`'s values. */
  constant(t: Tensor): string {
    const out = this.fresh('onnx::Constant');
    this.nodes.push({ name: this.fresh('/Constant'), opType: 'Constant', input: [], output: [out], attribute: [attribute('value', { tensor: tensorProto('', t) })] });
    return out;
  }

  /** An initialiser named `name` holding `t` (a parameter or buffer, under its state-dict key). */
  initializer(name: string, t: Tensor): string {
    this.initializers.push(tensorProto(this.reserve(name), t));
    return name;
  }

  /**
   * Keeps only what `outputs` depend on (dead nodes come from ops computed inside other ops, or
   * results the model drops), and throws for an op with no mapping that is still needed.
   */
  prune(outputs: readonly string[]): void {
    const needed = new Set(outputs);
    const kept: schema.INodeProto[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (!n.output!.some((o) => needed.has(o))) continue;
      kept.push(n);
      for (const input of n.input!) if (input) needed.add(input);
    }
    kept.reverse();
    for (const n of kept) {
      const message = this.unsupported.get(n);
      if (message !== undefined) throw new Error(message);
    }
    this.nodes.splice(0, this.nodes.length, ...kept);
    const used = this.initializers.filter((t) => needed.has(t.name!));
    this.initializers.splice(0, this.initializers.length, ...used);
  }
}
