/**
 * The backward graph (`torch.autograd.graph.Node`). Each recorded op becomes a `Node` that holds
 * its inputs and outputs until backward has used them; leaves that require grad get one
 * `AccumulateGrad` node each. Edges point from a node to the nodes of its inputs, in input order
 * (`next_functions`).
 */
import type { DType, GradNode, Tensor } from '@flint/tensor';
import type { Formula, FormulaContext } from './formulas/types.js';

/** Where a gradient goes: output `index` of `node`. */
export interface Edge {
  readonly node: Node | AccumulateGrad;
  readonly index: number;
}

const FREED =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
  'Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

const LEGACY: Record<DType, string> = { float32: 'torch.FloatTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor' };

/** A tensor saved for backward (`SavedVariable`): checked for in-place changes when unpacked. */
export class SavedTensor {
  private tensor: Tensor | null;
  private readonly version: number;

  constructor(t: Tensor) {
    this.tensor = t;
    this.version = t._version;
  }

  unpack(): Tensor {
    const t = this.tensor;
    if (t === null) throw new Error(FREED);
    if (t._version !== this.version) {
      const of = t.gradFn instanceof Node ? `, which is output ${t.gradFn.outputs.indexOf(t)} of ${t.gradFn.name},` : '';
      throw new Error(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${LEGACY[t.dtype]} [${t.shape.join(', ')}]]${of} is at version ${t._version}; expected version ${this.version} instead. ` +
          'Hint: use the out-of-place op (add instead of add_) on tensors that backward needs.',
      );
    }
    if (t.isReleased) {
      throw new Error(
        `backward: a tensor of shape [${t.shape.join(', ')}] saved for backward was disposed before backward ran ` +
          '(dispose() was called on it, or it was created in a scope() that has ended)',
      );
    }
    return t;
  }

  free(): void {
    this.tensor = null;
  }
}

let sequence = 0;

/** One recorded op: its formula, its saved inputs and outputs, and its edges. */
export class Node implements GradNode {
  readonly nextFunctions: readonly (GradNode | null)[];
  readonly edges: readonly (Edge | null)[];
  /** Creation order (PyTorch's sequence number). */
  readonly seq = sequence++;
  readonly inputShapes: readonly (readonly number[])[];
  readonly inputDtypes: readonly DType[];
  readonly needsInputGrad: readonly boolean[];
  private readonly saved: SavedTensor[];
  private readonly savedOutputs: SavedTensor[];

  constructor(
    readonly name: string,
    readonly op: string,
    readonly formula: Formula | undefined,
    inputs: readonly Tensor[],
    /** The tensors this node produced, for hooks, `retainGrad` and `grad()` inputs. */
    readonly outputs: readonly Tensor[],
    readonly attrs: Readonly<Record<string, unknown>>,
    /** Extra saved tensors freed with the graph (a custom Function's `ctx.saveForBackward`). */
    private readonly extra: SavedTensor[] = [],
  ) {
    this.edges = inputs.map(edgeOf);
    this.nextFunctions = this.edges.map((e) => e?.node ?? null);
    this.inputShapes = inputs.map((t) => [...t.shape]);
    this.inputDtypes = inputs.map((t) => t.dtype);
    this.needsInputGrad = inputs.map((t) => t.requiresGrad);
    this.saved = inputs.map((t) => new SavedTensor(t));
    this.savedOutputs = outputs.map((t) => new SavedTensor(t));
  }

  /** What the formula sees. */
  context(): FormulaContext {
    return {
      op: this.op,
      attrs: this.attrs,
      input: (i) => this.saved[i]!.unpack(),
      output: (i) => this.savedOutputs[i]!.unpack(),
      inputShapes: this.inputShapes,
      inputDtypes: this.inputDtypes,
      needsInputGrad: this.needsInputGrad,
    };
  }

  /** Drops the saved tensors (after a backward without `retainGraph`). */
  release(): void {
    for (const s of this.saved) s.free();
    for (const s of this.savedOutputs) s.free();
    for (const s of this.extra) s.free();
  }

  toString(): string {
    return `<${this.name}>`;
  }
}

/** The node that accumulates into a leaf's `.grad` (`AccumulateGrad`). */
export class AccumulateGrad implements GradNode {
  readonly name = 'AccumulateGrad';
  readonly nextFunctions: readonly (GradNode | null)[] = [];
  constructor(readonly variable: Tensor) {}
}

const accumulators = new WeakMap<Tensor, AccumulateGrad>();

/** The edge gradients of `t` flow along: its producer's output slot, or its leaf accumulator. */
export function edgeOf(t: Tensor): Edge | null {
  if (!t.requiresGrad) return null;
  if (t.gradFn instanceof Node) return { node: t.gradFn, index: t.gradFn.outputs.indexOf(t) };
  let acc = accumulators.get(t);
  if (!acc) accumulators.set(t, (acc = new AccumulateGrad(t)));
  return { node: acc, index: 0 };
}
