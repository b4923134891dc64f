/**
 * The tensor-level op table: each op name that `@flint/tensor` reports through `record` (the
 * names of `@flint/autograd`'s formulas), mapped to ONNX nodes of opset 17. An op missing here is
 * an export error naming it, raised only if the model's outputs depend on it.
 */
import type { Tensor } from '@flint/tensor';
import { float, onnxType, type GraphBuilder } from './graph.js';

/** One recorded op, as a converter sees it. */
export interface OpCall {
  readonly g: GraphBuilder;
  /** The module path the op runs in (`layer1.0.conv1`), for node names and errors. */
  readonly scope: string;
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** The ONNX value names of `inputs`. */
  readonly names: readonly string[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, any>>;
}

/** Emits nodes for one op; returns the ONNX value names of its outputs (in order; extra outputs may be left out). */
export type OpConverter = (c: OpCall) => string[];

/**
 * The `Reshape` target for `input → output`: `0` (copy the input's dim) over the common leading
 * dims, `-1` at the first dim that differs, the traced sizes after it. At the traced shapes this
 * is exactly `output`; with another batch size it follows the batch when the batch sits in the
 * leading dims or in the merged/split dim, which covers flatten(1), view(n, -1) and head splits.
 */
export function reshapeTarget(input: readonly number[], output: readonly number[]): number[] {
  const target = [...output];
  let j = 0;
  while (j < output.length && j < input.length && output[j] === input[j]) target[j++] = 0;
  if (j < output.length && output.every((d) => d > 0)) target[j] = -1;
  return target;
}

/**
 * The axes of `long` that are 1s whose removal leaves `short` (matched from the left), or null:
 * a reshape that only inserts or removes 1s is an `Unsqueeze` / `Squeeze`, which keeps every
 * other dim as it comes.
 */
function onesAxes(long: readonly number[], short: readonly number[]): number[] | null {
  const axes: number[] = [];
  let j = 0;
  for (let i = 0; i < long.length; i++) {
    if (j < short.length && long[i] === short[j]) j++;
    else if (long[i] === 1) axes.push(i);
    else return null;
  }
  return j === short.length ? axes : null;
}

function reshape(c: OpCall): string[] {
  const [from, to] = [c.inputs[0]!.shape, out0(c).shape];
  const x = c.names[0]!;
  const inserted = to.length > from.length ? onesAxes(to, from) : null;
  if (inserted) return [c.g.op(c.scope, 'Unsqueeze', [x, c.g.int64(inserted)])];
  const removed = from.length > to.length ? onesAxes(from, to) : null;
  if (removed) return [c.g.op(c.scope, 'Squeeze', [x, c.g.int64(removed)])];
  return [c.g.op(c.scope, 'Reshape', [x, c.g.int64(reshapeTarget(from, to))])];
}

/** The `Expand` shape for `input → output`: 1 where the input keeps its dim, so unexpanded dims stay dynamic. */
function expandTarget(input: readonly number[], output: readonly number[]): number[] {
  const offset = output.length - input.length;
  return output.map((d, i) => (i >= offset && input[i - offset] === d ? 1 : d));
}

/** Casts value `name` of `t` to `dtype` if it is not already. */
function castTo(c: OpCall, name: string, t: Tensor, dtype: Tensor['dtype']): string {
  return t.dtype === dtype ? name : c.g.op(c.scope, 'Cast', [name], { to: onnxType(dtype) });
}

const out0 = (c: OpCall) => c.outputs[0]!;

/** A binary op with broadcasting; operands are cast to the result's dtype (as PyTorch promotes). */
const binary =
  (opType: string): OpConverter =>
  (c) => {
    const dtype = out0(c).dtype;
    const [a, b] = c.names.map((n, i) => castTo(c, n, c.inputs[i]!, dtype));
    return [c.g.op(c.scope, opType, [a!, b!])];
  };

/** A unary float op: int and bool inputs are computed in float32, as in `@flint/tensor`. */
const unary =
  (build: (c: OpCall, x: string) => string): OpConverter =>
  (c) => [build(c, castTo(c, c.names[0]!, c.inputs[0]!, out0(c).dtype))];
const simple = (opType: string, attrs: (c: OpCall) => Record<string, any> = () => ({})): OpConverter => unary((c, x) => c.g.op(c.scope, opType, [x], attrs(c)));

/** `x + k` and `x * k` for a float constant `k`. */
const addScalar = (c: OpCall, x: string, k: number) => c.g.op(c.scope, 'Add', [x, c.g.float32([k])]);
const mulScalar = (c: OpCall, x: string, k: number) => c.g.op(c.scope, 'Mul', [x, c.g.float32([k])]);

/** GELU, written out (the `Gelu` op arrives in opset 20). */
function gelu(c: OpCall, x: string): string {
  const { g, scope } = c;
  const half = mulScalar(c, x, 0.5);
  if (c.attrs.approximate === 'tanh') {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = g.op(scope, 'Mul', [x, g.op(scope, 'Mul', [x, x])]);
    const inner = mulScalar(c, g.op(scope, 'Add', [x, mulScalar(c, cube, 0.044715)]), Math.sqrt(2 / Math.PI));
    return g.op(scope, 'Mul', [half, addScalar(c, g.op(scope, 'Tanh', [inner]), 1)]);
  }
  // 0.5·x·(1 + erf(x/√2))
  return g.op(scope, 'Mul', [half, addScalar(c, g.op(scope, 'Erf', [mulScalar(c, x, Math.SQRT1_2)]), 1)]);
}

/** `[[before, after], ...]` per dim → ONNX's `[begin_0, begin_1, ..., end_0, end_1, ...]`. */
const onnxPads = (perDim: readonly (readonly [number, number])[]): number[] => [...perDim.map((p) => p[0]), ...perDim.map((p) => p[1])];

function pool(opType: 'MaxPool' | 'AveragePool'): OpConverter {
  return (c) => {
    const a = c.attrs;
    if (opType === 'AveragePool' && a.divisorOverride !== null && a.divisorOverride !== undefined) {
      throw new Error(`exportOnnx: op 'avgPool2d' with divisorOverride in ${where(c.scope)} has no ONNX mapping`);
    }
    const [ph, pw] = a.padding as [number, number];
    const attrs: Record<string, any> = { kernel_shape: a.kernel, strides: a.stride, pads: [ph, pw, ph, pw], ceil_mode: a.ceilMode ? 1 : 0 };
    if (opType === 'MaxPool') attrs.dilations = a.dilation;
    else attrs.count_include_pad = a.countIncludePad ? 1 : 0;
    return [c.g.op(c.scope, opType, [c.names[0]!], attrs)];
  };
}

/** How errors name a module path. */
export function where(scope: string): string {
  return scope === '' ? 'the top-level module' : `'${scope}'`;
}

export const OPS: Readonly<Record<string, OpConverter>> = {
  // ---- pointwise ----
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  clampMin: binary('Max'),
  clampMax: binary('Min'),
  where: (c) => {
    const dtype = out0(c).dtype;
    const [x, y] = [1, 2].map((i) => castTo(c, c.names[i]!, c.inputs[i]!, dtype));
    return [c.g.op(c.scope, 'Where', [castTo(c, c.names[0]!, c.inputs[0]!, 'bool'), x!, y!])];
  },
  maskedFill: (c) => {
    const x = out0(c);
    const value = x.dtype === 'float32' ? c.g.float32([c.attrs.value]) : c.g.op(c.scope, 'Cast', [c.g.float32([Number(c.attrs.value)])], { to: onnxType(x.dtype) });
    return [c.g.op(c.scope, 'Where', [castTo(c, c.names[1]!, c.inputs[1]!, 'bool'), value, c.names[0]!])];
  },
  abs: simple('Abs'),
  neg: simple('Neg'),
  exp: simple('Exp'),
  log: simple('Log'),
  sqrt: simple('Sqrt'),
  sin: simple('Sin'),
  cos: simple('Cos'),
  sign: simple('Sign'),
  reciprocal: simple('Reciprocal'),
  rsqrt: unary((c, x) => c.g.op(c.scope, 'Reciprocal', [c.g.op(c.scope, 'Sqrt', [x])])),
  square: unary((c, x) => c.g.op(c.scope, 'Mul', [x, x])),
  expm1: unary((c, x) => c.g.op(c.scope, 'Sub', [c.g.op(c.scope, 'Exp', [x]), c.g.float32([1])])),
  log1p: unary((c, x) => c.g.op(c.scope, 'Log', [addScalar(c, x, 1)])),
  // ---- activations ----
  relu: simple('Relu'),
  sigmoid: simple('Sigmoid'),
  tanh: simple('Tanh'),
  softplus: simple('Softplus'),
  leakyRelu: simple('LeakyRelu', (c) => ({ alpha: float(c.attrs.negativeSlope) })),
  elu: simple('Elu', (c) => ({ alpha: float(c.attrs.alpha) })),
  gelu: unary(gelu),
  softmax: simple('Softmax', (c) => ({ axis: c.attrs.dim })),
  logSoftmax: simple('LogSoftmax', (c) => ({ axis: c.attrs.dim })),
  // ---- linear algebra, convolution, pooling ----
  mm: (c) => [c.g.op(c.scope, 'MatMul', c.names)],
  bmm: (c) => [c.g.op(c.scope, 'MatMul', c.names)],
  linear: (c) => {
    const [x, w, b] = c.names;
    if (c.inputs[0]!.ndim === 2) return [c.g.op(c.scope, 'Gemm', b ? [x!, w!, b] : [x!, w!], { transB: 1 })];
    const y = c.g.op(c.scope, 'MatMul', [x!, c.g.op(c.scope, 'Transpose', [w!], { perm: [1, 0] })]);
    return [b ? c.g.op(c.scope, 'Add', [y, b]) : y];
  },
  conv2d: (c) => {
    const a = c.attrs;
    const [[top, bottom], [left, right]] = a.padding as [[number, number], [number, number]];
    const w = c.inputs[1]!;
    return [
      c.g.op(c.scope, 'Conv', c.names, {
        kernel_shape: w.shape.slice(2),
        strides: a.stride,
        pads: [top, left, bottom, right],
        dilations: a.dilation,
        group: a.groups,
      }),
    ];
  },
  maxPool2d: pool('MaxPool'),
  avgPool2d: pool('AveragePool'),
  pad: (c) => {
    if (c.inputs[0]!.dtype !== 'float32') throw new Error(`exportOnnx: op 'pad' of a ${c.inputs[0]!.dtype} tensor in ${where(c.scope)} has no ONNX mapping`);
    return [c.g.op(c.scope, 'Pad', [c.names[0]!, c.g.int64(onnxPads(c.attrs.pads)), c.g.float32([c.attrs.value ?? 0])], { mode: 'constant' })];
  },
  // ---- reductions ----
  sum: (c) => {
    const x = castTo(c, c.names[0]!, c.inputs[0]!, out0(c).dtype);
    return [c.g.op(c.scope, 'ReduceSum', [x, c.g.int64(c.attrs.dims)], { keepdims: c.attrs.keepdim ? 1 : 0 })];
  },
  mean: (c) => [c.g.op(c.scope, 'ReduceMean', [c.names[0]!], { axes: c.attrs.dims, keepdims: c.attrs.keepdim ? 1 : 0 })],
  prod: (c) => [c.g.op(c.scope, 'ReduceProd', [castTo(c, c.names[0]!, c.inputs[0]!, out0(c).dtype)], { axes: c.attrs.dims, keepdims: c.attrs.keepdim ? 1 : 0 })],
  amax: (c) => [c.g.op(c.scope, 'ReduceMax', [c.names[0]!], { axes: c.attrs.dims, keepdims: c.attrs.keepdim ? 1 : 0 })],
  amin: (c) => [c.g.op(c.scope, 'ReduceMin', [c.names[0]!], { axes: c.attrs.dims, keepdims: c.attrs.keepdim ? 1 : 0 })],
  // ---- shapes and views ----
  reshape,
  permute: (c) => [c.g.op(c.scope, 'Transpose', [c.names[0]!], { perm: c.attrs.dims })],
  expand: (c) => [c.g.op(c.scope, 'Expand', [c.names[0]!, c.g.int64(expandTarget(c.inputs[0]!.shape, out0(c).shape))])],
  narrow: (c) => {
    const { dim, start, length } = c.attrs as { dim: number; start: number; length: number };
    return [c.g.op(c.scope, 'Slice', [c.names[0]!, c.g.int64([start]), c.g.int64([start + length]), c.g.int64([dim])])];
  },
  select: (c) => {
    const { dim, index } = c.attrs as { dim: number; index: number };
    const i = index < 0 ? index + c.inputs[0]!.shape[dim]! : index;
    return [c.g.op(c.scope, 'Gather', [c.names[0]!, c.g.int64([i], true)], { axis: dim })];
  },
  cat: (c) => [c.g.op(c.scope, 'Concat', c.names, { axis: c.attrs.dim })],
  stack: (c) => {
    const axes = c.g.int64([c.attrs.dim]);
    return [c.g.op(c.scope, 'Concat', c.names.map((n) => c.g.op(c.scope, 'Unsqueeze', [n, axes])), { axis: c.attrs.dim })];
  },
  indexSelect: (c) => [c.g.op(c.scope, 'Gather', c.names, { axis: c.attrs.dim })],
  gather: (c) => [c.g.op(c.scope, 'GatherElements', c.names, { axis: c.attrs.dim })],
  clone: (c) => [c.g.op(c.scope, 'Identity', [c.names[0]!])],
  cast: (c) => [c.g.op(c.scope, 'Cast', [c.names[0]!], { to: onnxType(out0(c).dtype) })],
};
