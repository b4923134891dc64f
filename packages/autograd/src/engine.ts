/**
 * The autograd engine (`torch.autograd`): records ops into a graph of `Node`s and runs backward
 * over it — a topological sort from the roots, then one pass in reverse that calls each node's
 * formula and accumulates into leaves (micrograd's `backward`, with PyTorch's rules).
 *
 * Memory: gradients flowing between nodes are created and consumed here, so the engine frees them
 * as soon as they are used (each formula runs in a `scope`, and a reference count per gradient
 * tensor tracks the buffers that still hold it). What survives is what the user can see: `.grad`,
 * retained grads, `grad()` results, and gradients handed to hooks (ordinary tensors from then on). With `createGraph` nothing is freed early: the new graph holds it all.
 * `backward()` ends with one `tick()`, the step boundary of lifetime.ts.
 */
import { Tensor, clearGraphPending, onesLike, registerAutogradEngine, scope, tick, withGradMode, type BackwardOptions } from '@flint/tensor';
import { formulas, nodeName } from './formulas/index.js';
import { sameShape } from './formulas/util.js';
import { AccumulateGrad, edgeOf, Node, type Edge } from './node.js';

type GraphNode = Node | AccumulateGrad;

function sizeStr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** Called by every recorded op (via `record` in @flint/tensor): attaches a node to the outputs. */
export function recordOp(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>): void {
  // Only floating-point outputs are differentiable (an int cast of x does not require grad).
  if (!outputs.some((o) => o.dtype === 'float32') || outputs.some((o) => inputs.includes(o))) return;
  attach(new Node(nodeName(op, inputs, attrs), op, formulas[op], inputs, outputs, attrs), outputs);
}

/** Makes `node` the `gradFn` of the floating-point `outputs`. */
export function attach(node: Node, outputs: readonly Tensor[]): void {
  for (const o of outputs) {
    if (o.dtype !== 'float32') continue;
    o.requiresGrad = true;
    o.gradFn = node;
  }
}

/** Depth-first post-order from `starts`, reversed: every node comes before the nodes it feeds. */
function topologicalOrder(starts: readonly GraphNode[]): GraphNode[] {
  const post: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  for (const start of starts) {
    if (seen.has(start)) continue;
    seen.add(start);
    const stack: [GraphNode, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = top[0] instanceof Node ? top[0].edges : [];
      if (top[1] < edges.length) {
        const e = edges[top[1]++];
        if (e && !seen.has(e.node)) {
          seen.add(e.node);
          stack.push([e.node, 0]);
        }
      } else {
        stack.pop();
        post.push(top[0]);
      }
    }
  }
  return post.reverse();
}

interface RunOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** `grad()`: return the gradients of these tensors instead of accumulating into leaves. */
  inputs?: readonly Tensor[];
}

/**
 * Runs backward from `roots` seeded with `seeds` (`owned[i]`: the engine created `seeds[i]` and
 * may free it). Returns the captured gradients of `options.inputs` (`grad()`), else `[]`.
 */
function run(roots: readonly Tensor[], seeds: readonly Tensor[], owned: readonly boolean[], options: RunOptions): (Tensor | null)[] {
  const { retainGraph, createGraph, inputs } = options;

  // Reference counts of the gradients the engine owns: how many buffer slots hold each.
  const refs = new Map<Tensor, number>();
  const own = (t: Tensor): void => {
    if (!createGraph) refs.set(t, (refs.get(t) ?? 0) + 1);
  };
  const release = (t: Tensor): void => {
    const n = refs.get(t);
    if (n === undefined) return;
    if (n > 1) return void refs.set(t, n - 1);
    refs.delete(t);
    if (!t._kept && !t.isReleased) t.dispose();
  };
  /** The user can now see `t`: the engine no longer frees it. */
  const expose = (t: Tensor): void => void refs.delete(t);

  // Gradient buffers: one slot per output of each node that has received a gradient.
  const buffers = new Map<GraphNode, (Tensor | null)[]>();
  const put = (edge: Edge, g: Tensor): void => {
    let slots = buffers.get(edge.node);
    if (!slots) buffers.set(edge.node, (slots = new Array<Tensor | null>(edge.node instanceof Node ? edge.node.outputs.length : 1).fill(null)));
    const prev = slots[edge.index];
    if (!prev) {
      slots[edge.index] = g;
      return;
    }
    const sum = prev.add(g);
    own(sum);
    release(prev);
    release(g);
    slots[edge.index] = sum;
  };

  const starts: GraphNode[] = [];
  roots.forEach((root, i) => {
    const edge = edgeOf(root)!;
    starts.push(edge.node);
    if (owned[i]) own(seeds[i]!);
    put(edge, seeds[i]!);
  });
  const order = topologicalOrder(starts);

  // grad(): where each input's gradient is captured, and which nodes lead there.
  const captures = new Map<GraphNode, Map<number, number[]>>();
  inputs?.forEach((t, k) => {
    const e = edgeOf(t)!;
    const at = captures.get(e.node) ?? new Map<number, number[]>();
    captures.set(e.node, at);
    at.set(e.index, [...(at.get(e.index) ?? []), k]);
  });
  const useful = new Set<GraphNode>();
  if (inputs) {
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i]!;
      if (captures.has(n) || (n instanceof Node && n.edges.some((e) => e && useful.has(e.node)))) useful.add(n);
    }
  }
  const captured: (Tensor | null)[] = inputs ? inputs.map(() => null) : [];

  /** Runs `t`'s hooks on its gradient `g`; each may return a replacement. */
  const runHooks = (t: Tensor, g: Tensor): Tensor => {
    if (!t._hooks || t._hooks.length === 0) return g;
    expose(g);
    for (const hook of [...t._hooks]) {
      const r = hook(g);
      if (r !== undefined && r !== null) {
        if (!sameShape(r.shape, t.shape)) {
          throw new RangeError(`hook: a hook returned a gradient of shape ${sizeStr(r.shape)} for a tensor of shape ${sizeStr(t.shape)}`);
        }
        g = r;
      }
    }
    return g;
  };

  /** Adds `g` into `t.grad` (in place, as PyTorch, so a held `p.grad` sees the sum). */
  const accumulate = (t: Tensor, g: Tensor): void => {
    if (createGraph) {
      t.grad = t._grad ? t._grad.add(g) : g;
      return;
    }
    withGradMode(false, () => {
      const existing = t._grad;
      if (existing === null) {
        // A storage of its own (PyTorch's AccumulateGrad copies a gradient it cannot steal): `g`
        // may be a view of another gradient, which a later in-place accumulation would change.
        // A clone starts on the same immutable buffer, so this copies nothing. The program has not
        // seen it yet: if it never reads `.grad`, zeroGrad() frees it at once.
        const own = g.clone();
        own._seen = false;
        t._setGrad(own);
      } else {
        existing._inplace('accumulate grad', existing.add(g));
      }
    });
  };

  const capture = (node: GraphNode, index: number, g: Tensor): void => {
    const ks = captures.get(node)?.get(index);
    if (!ks) return;
    expose(g);
    for (const k of ks) captured[k] = g;
  };

  for (const node of order) {
    const grads = buffers.get(node);
    buffers.delete(node);
    if (!grads) continue;

    if (node instanceof AccumulateGrad) {
      const leaf = node.variable;
      const g = runHooks(leaf, grads[0]!);
      if (inputs) capture(node, 0, g);
      else accumulate(leaf, g);
      release(g);
      continue;
    }

    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      if (!g) continue;
      const out = node.outputs[i]!;
      grads[i] = runHooks(out, g);
      if (inputs) capture(node, i, grads[i]!);
      else if (out._retainsGrad) accumulate(out, grads[i]!);
    }

    if (!inputs || node.edges.some((e) => e && useful.has(e.node))) {
      const results = callFormula(node, grads, createGraph);
      const incoming = new Set(grads);
      for (const r of results) {
        if (!r) continue;
        if (refs.has(r) || !incoming.has(r)) own(r);
      }
      results.forEach((r, i) => {
        if (!r) return;
        const edge = node.edges[i];
        if (edge && (!inputs || useful.has(edge.node))) put(edge, r);
        else release(r);
      });
      if (!retainGraph) node.release();
    }
    for (const g of grads) if (g) release(g);
  }
  // Anything left (gradients toward unused branches of grad()) is freed.
  for (const slots of buffers.values()) for (const g of slots) if (g) release(g);
  return captured;
}

/** Runs a node's formula (recording only with `createGraph`) and checks what it returns. */
function callFormula(node: Node, grads: readonly (Tensor | null)[], createGraph: boolean): (Tensor | null)[] {
  const formula = node.formula;
  if (!formula) {
    throw new Error(`${node.name}: the derivative for '${node.op}' is not implemented in @flint/autograd`);
  }
  const ctx = node.context();
  const compute = (): (Tensor | null)[] => withGradMode(createGraph, () => formula(ctx, grads).map((r) => r ?? null));
  const results = createGraph ? compute() : scope(compute);
  if (results.length !== node.edges.length) {
    throw new Error(`function ${node.name} returned an incorrect number of gradients (expected ${node.edges.length}, got ${results.length})`);
  }
  results.forEach((r, i) => {
    if (r && !sameShape(r.shape, node.inputShapes[i]!)) {
      throw new Error(
        `Function ${node.name} returned an invalid gradient at index ${i} - got [${r.shape.join(', ')}] but expected shape compatible with [${node.inputShapes[i]!.join(', ')}]`,
      );
    }
  });
  return results;
}

/** Checks the roots and builds their seed gradients (ones for scalars). */
function seedsFor(
  roots: readonly Tensor[],
  gradients: readonly (Tensor | null | undefined)[],
): { seeds: Tensor[]; owned: boolean[] } {
  if (gradients.length !== roots.length) {
    throw new RangeError(`grad_tensors: got ${gradients.length} tensors, expected ${roots.length}`);
  }
  const seeds: Tensor[] = [];
  const owned: boolean[] = [];
  roots.forEach((root, i) => {
    if (!root.requiresGrad) throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    const g = gradients[i];
    if (g === null || g === undefined) {
      if (root.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
      seeds.push(withGradMode(false, () => onesLike(root)));
      owned.push(true);
    } else {
      if (!(g instanceof Tensor)) throw new TypeError(`backward: gradient must be a Tensor (got ${typeof g}); options go in the second argument`);
      if (!sameShape(g.shape, root.shape)) {
        throw new RangeError(`Mismatch in shape: grad_output[${i}] has a shape of ${sizeStr(g.shape)} and output[${i}] has a shape of ${sizeStr(root.shape)}.`);
      }
      seeds.push(g);
      owned.push(false);
    }
  });
  return { seeds, owned };
}

function asList<T>(v: T | readonly T[]): readonly T[] {
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

export interface BackwardFnOptions {
  /** Keep the saved tensors for another backward (`retain_graph`, default `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass for higher-order gradients (`create_graph`, default false). */
  createGraph?: boolean;
}

/**
 * `torch.autograd.backward(tensors, grad_tensors, retain_graph, create_graph)`: accumulates the
 * gradients of `tensors` into the `.grad` of the leaves (and retained non-leaves). A scalar root
 * needs no gradient; others need one of their shape. Ends with `tick()`.
 */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: Tensor | readonly (Tensor | null | undefined)[] | null,
  options: BackwardFnOptions = {},
): void {
  const roots = asList(tensors);
  const grads = gradTensors === undefined || gradTensors === null ? roots.map(() => undefined) : asList(gradTensors);
  const createGraph = options.createGraph ?? false;
  const { seeds, owned } = seedsFor(roots, grads);
  run(roots, seeds, owned, { retainGraph: options.retainGraph ?? createGraph, createGraph });
  clearGraphPending();
  tick();
}

export interface GradOptions extends BackwardFnOptions {
  /** The gradients of `outputs` (`grad_outputs`); may be omitted for scalar outputs. */
  gradOutputs?: Tensor | readonly (Tensor | null | undefined)[] | null;
  /** Return `null` for inputs that the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * `torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)`:
 * the gradients of `outputs` with respect to `inputs`, one per input, without touching `.grad`.
 * `createGraph` records the computation, for higher-order gradients. Does not tick: it is
 * usually part of a step that ends in `backward()` (a loop using only `grad()` calls `tick()`).
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const roots = asList(outputs);
  const targets = asList(inputs);
  targets.forEach((t) => {
    if (!t.requiresGrad) throw new Error('One of the differentiated Tensors does not require grad');
  });
  const g = options.gradOutputs;
  const grads = g === undefined || g === null ? roots.map(() => undefined) : asList(g);
  const createGraph = options.createGraph ?? false;
  const { seeds, owned } = seedsFor(roots, grads);
  const result = run(roots, seeds, owned, { retainGraph: options.retainGraph ?? createGraph, createGraph, inputs: targets });
  if (!options.allowUnused && result.some((r) => r === null)) {
    throw new Error('One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.');
  }
  return result;
}

/** `Tensor.retain_grad()` for a non-leaf: its gradient is kept in `.grad` by backward. */
export function retainGrad(t: Tensor): void {
  t._retainsGrad = true;
}

registerAutogradEngine({
  record: recordOp,
  backward: (root, gradient, options: BackwardOptions) => backward(root, gradient ?? null, options),
  retainGrad,
});
