/**
 * `gradcheck` (`torch.autograd.gradcheck`): compares the Jacobian that backward computes with
 * central finite differences, (f(x + eps) - f(x - eps)) / 2·eps, element by element. Flint
 * computes in float32, so the defaults are looser than PyTorch's float64 ones.
 */
import { Tensor, scope, tensor, withGradMode } from '@flint/tensor';
import { grad } from './engine.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-3). */
  eps?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Relative tolerance, of the numerical value (default 1e-2). */
  rtol?: number;
}

/** The function `gradcheck` differentiates: tensors in, a tensor or tensors out. */
export type GradcheckFn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: GradcheckFn, inputs: readonly Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return Array.isArray(r) ? [...(r as readonly Tensor[])] : [r as Tensor];
}

/**
 * Checks the gradients of `fn` with respect to each input that requires grad. Returns `true`, or
 * throws naming the output, the input and the element with the analytical and numerical values.
 */
export function gradcheck(fn: GradcheckFn, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const { eps = 1e-3, atol = 1e-3, rtol = 1e-2 } = options;
  const checked = inputs.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');
  for (const { t, i } of checked) {
    if (t.dtype !== 'float32') throw new TypeError(`gradcheck: input ${i} must be float32 (got ${t.dtype})`);
  }
  scope(() => {
    // Analytical: one backward per output element, with a one-hot gradient.
    const outs = withGradMode(true, () => outputsOf(fn, inputs));
    const analytical = outs.map((out) => {
      const rows: Float32Array[][] = checked.map(({ t }) => Array.from({ length: out.numel() }, () => new Float32Array(t.numel())));
      if (!out.requiresGrad) return rows;
      for (let j = 0; j < out.numel(); j++) {
        const seed = new Float32Array(out.numel());
        seed[j] = 1;
        const gs = grad(out, checked.map(({ t }) => t), { gradOutputs: tensor(seed, { shape: out.shape }), retainGraph: true, allowUnused: true });
        gs.forEach((g, k) => {
          if (g) rows[k]![j]!.set(g.dataSync() as Float32Array);
        });
      }
      return rows;
    });

    // Numerical: perturb one element at a time.
    checked.forEach(({ t, i }, k) => {
      const base = Float32Array.from(t.dataSync() as Float32Array);
      for (let e = 0; e < base.length; e++) {
        const x = base[e]!;
        const evalAt = (v: number): Float32Array[] => {
          const data = Float32Array.from(base);
          data[e] = v;
          const args = inputs.map((u, m) => (m === i ? tensor(data, { shape: t.shape }) : u));
          return withGradMode(false, () => outputsOf(fn, args)).map((o) => Float32Array.from(o.dataSync()));
        };
        const hi = Math.fround(x + eps);
        const lo = Math.fround(x - eps);
        const plus = evalAt(hi);
        const minus = evalAt(lo);
        outs.forEach((_, o) => {
          for (let j = 0; j < plus[o]!.length; j++) {
            const numerical = (plus[o]![j]! - minus[o]![j]!) / (hi - lo);
            const a = analytical[o]![k]![j]![e]!;
            if (!(Math.abs(a - numerical) <= atol + rtol * Math.abs(numerical))) {
              throw new Error(
                `gradcheck: Jacobian mismatch for output ${o} with respect to input ${i}, element ${e} (output element ${j}): ` +
                  `analytical ${a} vs numerical ${numerical} (atol ${atol}, rtol ${rtol})`,
              );
            }
          }
        });
      }
    });
  });
  return true;
}
