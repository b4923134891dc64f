/**
 * @internal One recurrent layer (Elman RNN, LSTM, GRU) in one direction as a single autograd
 * node, as PyTorch's fused RNN kernels are: the forward keeps each step's gate activations, and
 * the backward runs the steps back (backpropagation through time) with one matMul per step, then
 * forms the recurrent weight's gradient in one matMul over all steps. Recorded op by op instead,
 * every step's slice of the input projections would send back a whole-sequence gradient, O(L²)
 * work.
 *
 * Everything is hidden-major (`[features, N]`) so that each gate is a contiguous block of rows:
 * `giT [L, G·H, N]` = (x W_ihᵀ + b_ih)ᵀ per step (plus b_hh for RNN and LSTM, where it only adds),
 * `h0T` (and `c0T`) `[H, N]`, `wHh [G·H, H]`; the outputs are `outT [L, H, N]` and the final
 * states `[H, N]`.
 */
import { Function, type FunctionCtx } from '@flint/autograd';
import { cat, stack, type Tensor } from '@flint/tensor';

interface Step {
  i: Tensor;
  f: Tensor;
  g: Tensor;
  o: Tensor;
  /** tanh(c_t). */
  tc: Tensor;
  cPrev: Tensor;
  hPrev: Tensor;
}

/** σ'(x) from s = σ(x): s − s². */
const dSigmoid = (s: Tensor) => s.sub(s.square());
/** tanh'(x) from t = tanh(x): 1 − t². */
const dTanh = (t: Tensor) => t.square().neg().add(1);

/** dW_hh = Σ_t dgates_t · h_{t−1}ᵀ, as one product over [G·H, L·N] × [L·N, H]. */
function recurrentWeightGrad(dGates: Tensor[], hPrev: Tensor[]): Tensor {
  const steps = dGates.length;
  const [gh, n] = dGates[0]!.shape as [number, number];
  const H = hPrev[0]!.shape[0]!;
  const dg = stack(dGates, 0).permute(1, 0, 2).reshape([gh, steps * n]);
  return dg.mm(stack(hPrev, 0).permute(0, 2, 1).reshape([steps * n, H]));
}

/** LSTM: gates i, f, g, o; `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')`. */
export class LstmLayer extends Function {
  static override forward(ctx: FunctionCtx, giT: Tensor, h0T: Tensor, c0T: Tensor, wHh: Tensor, reverse: boolean): Tensor[] {
    const steps = giT.shape[0]!;
    const H = h0T.shape[0]!;
    const saved: Step[] = new Array<Step>(steps);
    const outs: Tensor[] = new Array<Tensor>(steps);
    let h = h0T;
    let c = c0T;
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const gates = wHh.mm(h).add(giT.select(0, t));
      const sif = gates.narrow(0, 0, 2 * H).sigmoid();
      const i = sif.narrow(0, 0, H);
      const f = sif.narrow(0, H, H);
      const g = gates.narrow(0, 2 * H, H).tanh();
      const o = gates.narrow(0, 3 * H, H).sigmoid();
      const cNext = f.mul(c).add(i.mul(g));
      const tc = cNext.tanh();
      saved[t] = { i, f, g, o, tc, cPrev: c, hPrev: h };
      h = o.mul(tc);
      c = cNext;
      outs[t] = h;
    }
    ctx.steps = saved;
    ctx.reverse = reverse;
    ctx.saveForBackward(wHh);
    return [stack(outs, 0), h, c];
  }

  static override backward(ctx: FunctionCtx, gOut: Tensor, ghN: Tensor, gcN: Tensor): (Tensor | null)[] {
    const saved = ctx.steps as Step[];
    const reverse = ctx.reverse as boolean;
    const [wHh] = ctx.savedTensors as [Tensor];
    const wHhT = wHh.t().contiguous();
    const steps = saved.length;
    const dGates: Tensor[] = new Array<Tensor>(steps);
    let dh = ghN;
    let dc = gcN;
    for (let s = 0; s < steps; s++) {
      // The forward's steps, last first.
      const t = reverse ? s : steps - 1 - s;
      const { i, f, g, o, tc, cPrev } = saved[t]!;
      dh = dh.add(gOut.select(0, t));
      dc = dc.add(dh.mul(o).mul(dTanh(tc)));
      const dg = cat([dc.mul(g).mul(dSigmoid(i)), dc.mul(cPrev).mul(dSigmoid(f)), dc.mul(i).mul(dTanh(g)), dh.mul(tc).mul(dSigmoid(o))], 0);
      dGates[t] = dg;
      dh = wHhT.mm(dg);
      dc = dc.mul(f);
    }
    return [stack(dGates, 0), dh, dc, recurrentWeightGrad(dGates, saved.map((st) => st.hPrev)), null];
  }
}

/** Elman RNN: `h' = tanh(gi + W_hh h)` or `relu(…)`. Arguments `(giT, h0T, wHh, reverse, relu)`. */
export class RnnLayer extends Function {
  static override forward(ctx: FunctionCtx, giT: Tensor, h0T: Tensor, wHh: Tensor, reverse: boolean, relu: boolean): Tensor[] {
    const steps = giT.shape[0]!;
    const hs: Tensor[] = new Array<Tensor>(steps);
    const hPrev: Tensor[] = new Array<Tensor>(steps);
    let h = h0T;
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      hPrev[t] = h;
      const pre = wHh.mm(h).add(giT.select(0, t));
      h = relu ? pre.relu() : pre.tanh();
      hs[t] = h;
    }
    Object.assign(ctx, { hs, hPrev, reverse, relu });
    ctx.saveForBackward(wHh);
    return [stack(hs, 0), h];
  }

  static override backward(ctx: FunctionCtx, gOut: Tensor, ghN: Tensor): (Tensor | null)[] {
    const { hs, hPrev, reverse, relu } = ctx as unknown as { hs: Tensor[]; hPrev: Tensor[]; reverse: boolean; relu: boolean };
    const wHhT = (ctx.savedTensors[0] as Tensor).t().contiguous();
    const steps = hs.length;
    const dPre: Tensor[] = new Array<Tensor>(steps);
    let dh = ghN;
    for (let s = 0; s < steps; s++) {
      const t = reverse ? s : steps - 1 - s;
      dh = dh.add(gOut.select(0, t));
      const h = hs[t]!;
      const d = relu ? dh.mul(h.gt(0)) : dh.mul(dTanh(h));
      dPre[t] = d;
      dh = wHhT.mm(d);
    }
    return [stack(dPre, 0), dh, recurrentWeightGrad(dPre, hPrev), null, null];
  }
}

/**
 * GRU: `r, z = σ(gi_{r,z} + gh_{r,z})`, `n = tanh(gi_n + r ⊙ gh_n)`, `h' = n + z ⊙ (h − n)`, with
 * `gh = W_hh h + b_hh`. Arguments `(giT, h0T, wHh, bHh | null, reverse)`; b_hh `[3H]`.
 */
export class GruLayer extends Function {
  static override forward(ctx: FunctionCtx, giT: Tensor, h0T: Tensor, wHh: Tensor, bHh: Tensor | null, reverse: boolean): Tensor[] {
    const steps = giT.shape[0]!;
    const H = h0T.shape[0]!;
    const bias = bHh ? bHh.unsqueeze(1) : null;
    const saved: { r: Tensor; z: Tensor; n: Tensor; ghn: Tensor; hPrev: Tensor }[] = new Array(steps);
    const outs: Tensor[] = new Array<Tensor>(steps);
    let h = h0T;
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const gi = giT.select(0, t);
      const gh = bias ? wHh.mm(h).add(bias) : wHh.mm(h);
      const rz = gi.narrow(0, 0, 2 * H).add(gh.narrow(0, 0, 2 * H)).sigmoid();
      const r = rz.narrow(0, 0, H);
      const z = rz.narrow(0, H, H);
      const ghn = gh.narrow(0, 2 * H, H);
      const n = gi.narrow(0, 2 * H, H).add(r.mul(ghn)).tanh();
      saved[t] = { r, z, n, ghn, hPrev: h };
      h = n.add(z.mul(h.sub(n)));
      outs[t] = h;
    }
    Object.assign(ctx, { steps: saved, reverse });
    ctx.saveForBackward(wHh);
    return [stack(outs, 0), h];
  }

  static override backward(ctx: FunctionCtx, gOut: Tensor, ghN: Tensor): (Tensor | null)[] {
    const saved = ctx.steps as { r: Tensor; z: Tensor; n: Tensor; ghn: Tensor; hPrev: Tensor }[];
    const reverse = ctx.reverse as boolean;
    const wHhT = (ctx.savedTensors[0] as Tensor).t().contiguous();
    const steps = saved.length;
    const dGi: Tensor[] = new Array<Tensor>(steps);
    const dGh: Tensor[] = new Array<Tensor>(steps);
    let dh = ghN;
    for (let s = 0; s < steps; s++) {
      const t = reverse ? s : steps - 1 - s;
      const { r, z, n, ghn, hPrev } = saved[t]!;
      dh = dh.add(gOut.select(0, t));
      const dnPre = dh.sub(dh.mul(z)).mul(dTanh(n));
      const dr = dnPre.mul(ghn).mul(dSigmoid(r));
      const dz = dh.mul(hPrev.sub(n)).mul(dSigmoid(z));
      dGi[t] = cat([dr, dz, dnPre], 0);
      const dgh = cat([dr, dz, dnPre.mul(r)], 0);
      dGh[t] = dgh;
      dh = dh.mul(z).add(wHhT.mm(dgh));
    }
    const dW = recurrentWeightGrad(dGh, saved.map((st) => st.hPrev));
    const dB = ctx.needsInputGrad[3] ? stack(dGh, 0).sum([0, 2]) : null;
    return [stack(dGi, 0), dh, dW, dB, null];
  }
}
