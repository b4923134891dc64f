/**
 * The tracer: runs the model once and turns what it computes into ONNX nodes, at two levels.
 *
 * - **Modules.** A forward pre-hook and hook on every module keep the module path (for node
 *   names and errors). A layer of the module table (layers.ts) is exported whole: while it runs,
 *   the ops inside it are ignored, and its hook writes its nodes from its inputs and output.
 * - **Tensor ops.** Everything else (containers, user-written `forward`s) is seen op by op
 *   through `@flint/tensor`'s op tracer (`setOpTracer`, graph-hooks.ts), which every op that
 *   records itself for autograd reports to, with or without grad; ops.ts maps each to ONNX.
 *
 * Tensors are matched to ONNX values by identity. A tensor the trace did not see computed is a
 * parameter or buffer (an initialiser named by its state-dict key) or else a constant, as
 * `torch.jit.trace` treats it (a tensor made inside `forward` by `zeros`, say, or by an op that
 * does not record itself, such as a comparison).
 */
import { setOpTracer, type OpTracer, type Tensor } from '@flint/tensor';
import type { Module, RemovableHandle } from '@flint/nn';
import type { GraphBuilder } from './graph.js';
import { LAYERS, type LayerConverter } from './layers.js';
import { OPS, where } from './ops.js';

const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && typeof (v as Tensor).dataSync === 'function' && Array.isArray((v as Tensor).shape);

/** The tensors of a module's output (a tensor, or arrays of them; `null`s skipped), in order. */
export function flattenTensors(v: unknown, out: Tensor[] = []): Tensor[] {
  if (isTensor(v)) out.push(v);
  else if (Array.isArray(v)) for (const x of v) flattenTensors(x, out);
  return out;
}

export class Tracer implements OpTracer {
  private readonly values = new Map<Tensor, string>();
  /** Storages of traced values: a tensor sharing one that the trace did not see is refused. */
  private readonly storages = new Set<unknown>();
  private readonly path: string[] = [];
  /** How many whole-exported layers are running (their ops are not traced). */
  private inside = 0;

  constructor(
    private readonly g: GraphBuilder,
    /** Parameters and buffers, by state-dict key. */
    private readonly stateNames: ReadonlyMap<Tensor, string>,
  ) {}

  get scope(): string {
    return this.path[this.path.length - 1] ?? '';
  }

  /** `t` is ONNX value `name`. */
  bind(t: Tensor, name: string): void {
    this.values.set(t, name);
    this.storages.add((t as unknown as { _storage: unknown })._storage);
  }

  /** The ONNX value name of `t`: traced, else an initialiser or a constant. */
  name(t: Tensor): string {
    const known = this.values.get(t);
    if (known !== undefined) return known;
    const key = this.stateNames.get(t);
    let name: string;
    if (key !== undefined) name = this.g.initializer(key, t);
    else {
      if (this.storages.has((t as unknown as { _storage: unknown })._storage)) {
        throw new Error(
          `exportOnnx: in ${where(this.scope)}, a view of a traced tensor was made without a recorded op (detach(), an in-place op, or data access); it cannot be exported`,
        );
      }
      name = this.g.constant(t);
    }
    this.values.set(t, name);
    return name;
  }

  /** `OpTracer.op`: one tensor op. */
  op(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>): void {
    if (this.inside > 0) return;
    const convert = OPS[op];
    const names = inputs.map((t) => this.name(t));
    if (!convert) {
      // Kept as a placeholder: an error only if the outputs depend on it (an op computed inside
      // another mapped op leaves dead nodes behind).
      const outs = this.g.node(this.scope, `unsupported:${op}`, names, outputs.length);
      this.g.unsupported.set(this.g.nodes[this.g.nodes.length - 1]!, `exportOnnx: op '${op}' in ${where(this.scope)} has no ONNX mapping`);
      outputs.forEach((t, i) => this.bind(t, outs[i]!));
      return;
    }
    const outs = convert({ g: this.g, scope: this.scope, op, inputs, names, outputs, attrs });
    outs.forEach((name, i) => this.bind(outputs[i]!, name));
  }

  /** Hooks every module of `model`; returns the handles to remove them with. */
  hook(model: Module): RemovableHandle[] {
    const handles: RemovableHandle[] = [];
    for (const [path, m] of model.namedModules()) {
      const layer: LayerConverter | undefined = LAYERS[m._getName()];
      let whole = false;
      handles.push(
        m.registerForwardPreHook((_m: Module, args: unknown[]) => {
          this.path.push(path);
          whole = this.inside === 0 && layer !== undefined && layer.accepts(m, args);
          if (whole) this.inside++;
        }),
      );
      handles.push(
        m.registerForwardHook((_m: Module, args: unknown[], output: unknown) => {
          if (whole) {
            this.inside--;
            whole = false;
            const outs = layer!.emit({ g: this.g, scope: path, module: m, args, name: (t) => this.name(t) }, output);
            flattenTensors(output).forEach((t, i) => {
              if (outs[i] !== undefined) this.bind(t, outs[i]!);
            });
          }
          this.path.pop();
        }),
      );
    }
    return handles;
  }

  /** Installs this tracer as `@flint/tensor`'s op tracer for the duration of `fn`. */
  run<T>(fn: () => T): T {
    const previous = setOpTracer(this);
    try {
      return fn();
    } finally {
      setOpTracer(previous);
    }
  }
}
