/**
 * `RMSprop` (`torch.optim.RMSprop`), Hinton's lecture 6e,
 * https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf.
 *
 * PyTorch 1.13's update, in its order (`_single_tensor_rmsprop`):
 *   g ← ∇θ (−∇θ when maximize);  g ← g + λθ
 *   v ← αv + (1 − α)g²;  centered: ḡ ← αḡ + (1 − α)g, a ← √(v − ḡ²) + ε, else a ← √v + ε
 *   momentum: b ← μb + g/a, θ ← θ − γb;  else θ ← θ − γ g/a
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.RMSprop.html
 */
import { zerosLike, type Tensor } from '@flint/tensor';
import { Optimizer, ownState, type ParamGroup, type Params, type StateSpec } from './optimizer.js';
import { checkFlag, checkNumber, nonNegative } from './validation.js';

export interface RMSpropOptions {
  /** Learning rate γ. Default 1e-2. */
  lr?: number;
  /** Smoothing constant α. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty λ. Default 0. */
  weightDecay?: number;
  /** Momentum factor μ. Default 0. */
  momentum?: number;
  /** Normalise by an estimate of the gradient's variance. Default false. */
  centered?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

export type RMSpropHyper = Required<RMSpropOptions>;

/**
 * `torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
 * centered=False, maximize=False)`.
 */
export class RMSprop extends Optimizer<RMSpropHyper> {
  static override readonly className: string = 'RMSprop';
  constructor(params: Params<RMSpropHyper>, options: RMSpropOptions = {}) {
    const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = options ?? {};
    super(params, { lr, alpha, eps, weightDecay, momentum, centered, maximize });
  }

  /** PyTorch's checks, in its order and with its messages, plus boolean flags. */
  protected override validateHyperparameters(h: Readonly<Record<string, unknown>>): void {
    checkNumber('Invalid learning rate', h.lr, nonNegative);
    checkNumber('Invalid epsilon value', h.eps, nonNegative);
    checkNumber('Invalid momentum value', h.momentum, nonNegative);
    checkNumber('Invalid weight_decay value', h.weightDecay, nonNegative);
    checkNumber('Invalid alpha value', h.alpha, nonNegative);
    checkFlag('centered', h.centered);
    checkFlag('maximize', h.maximize);
  }

  /** `step`, `square_avg`, `momentum_buffer` with momentum, `grad_avg` when centered. */
  protected override stateSpec(h: Readonly<Record<string, unknown>>): StateSpec {
    const momentum = typeof h.momentum === 'number' && h.momentum > 0;
    return {
      required: ['step', 'square_avg', ...(momentum ? ['momentum_buffer'] : []), ...(h.centered === true ? ['grad_avg'] : [])],
      optional: ['momentum_buffer', 'grad_avg'],
    };
  }

  protected override updateGroup(group: ParamGroup<RMSpropHyper>, params: Tensor[]): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of params) {
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.square_avg = ownState(zerosLike(p));
        if (momentum > 0) state.momentum_buffer = ownState(zerosLike(p));
        if (centered) state.grad_avg = ownState(zerosLike(p));
      }
      state.step = (state.step as number) + 1;
      let g = maximize ? p._grad!.neg() : p._grad!;
      if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
      const squareAvg = state.square_avg as Tensor;
      squareAvg.copy_(squareAvg.mul(alpha).add(g.mul(1 - alpha).mul(g)));
      let avg: Tensor;
      if (centered) {
        const gradAvg = state.grad_avg as Tensor;
        gradAvg.copy_(gradAvg.mul(alpha).add(g, { alpha: 1 - alpha }));
        avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
      } else {
        avg = squareAvg.sqrt();
      }
      avg = avg.add(eps);
      if (momentum > 0) {
        const buf = state.momentum_buffer as Tensor;
        buf.copy_(buf.mul(momentum).add(g.div(avg)));
        p.add_(buf, { alpha: -lr });
      } else {
        p.add_(g.div(avg).mul(-lr));
      }
    }
  }
}
