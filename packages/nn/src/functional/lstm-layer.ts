/**
 * @internal One LSTM layer in one direction as a single autograd node, as PyTorch's fused RNN
 * kernels are: the forward keeps each step's gate activations, and the backward runs the steps
 * back (backpropagation through time) with one matMul per step, then forms the recurrent
 * weight's gradient in one matMul over all steps. Recorded op by op instead, every step's slice
 * of the input projections would send back a whole-sequence gradient, O(L²) work.
 *
 * Everything is hidden-major (`[features, N]`) so that each gate is a contiguous block of rows:
 * `giT [L, 4H, N]` = (x W_ihᵀ + b_ih + b_hh)ᵀ per step, `h0T`, `c0T` `[H, N]`, `wHh [4H, H]`;
 * the outputs are `outT [L, H, N]`, `hNT`, `cNT` `[H, N]`.
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
    const dgiT = stack(dGates, 0); // [L, 4H, N]
    // dW_hh = Σ_t dgates_t · h_{t−1}ᵀ, as one product over [4H, L·N] × [L·N, H].
    const n = dgiT.shape[2]!;
    const H = wHh.shape[1]!;
    const dg2 = dgiT.permute(1, 0, 2).reshape([4 * H, steps * n]);
    const hPrev = stack(saved.map((st) => st.hPrev), 0).permute(0, 2, 1).reshape([steps * n, H]);
    const dW = dg2.mm(hPrev);
    return [dgiT, dh, dc, dW, null];
  }
}
