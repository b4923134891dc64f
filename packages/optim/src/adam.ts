/**
 * `Adam` (`torch.optim.Adam`), Kingma & Ba, https://arxiv.org/abs/1412.6980, with AMSGrad
 * (https://openreview.net/forum?id=ryQu7f-RZ). `AdamW` shares this file's update.
 *
 * PyTorch 1.13's update, in its order (`_single_tensor_adam`), at step t:
 *   g ← ∇θ (−∇θ when maximize);  g ← g + λθ (Adam's L2 weight decay)
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂max ← max(v̂max, v) (amsgrad)
 *   θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.Adam.html
 */
import { _adamUpdate_ as adamUpdate_, zerosLike, type Tensor } from '@flint/tensor';
import { Optimizer, ownState, type ParamGroup, type Params, type StateSpec } from './optimizer.js';
import { checkBetas, checkFlag, checkNumber, nonNegative } from './validation.js';

export interface AdamOptions {
  /** Learning rate γ. Default 1e-3. */
  lr?: number;
  /** Coefficients (β₁, β₂) of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** Weight decay λ (L2 penalty for Adam; decoupled for AdamW). Default 0 (AdamW: 1e-2). */
  weightDecay?: number;
  /** Use the AMSGrad variant. Default false. */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

export type AdamHyper = Required<AdamOptions>;

/** Adam/AdamW options with the defaults filled in (checked by `validateAdamHyper`, in the base constructor). */
export function adamDefaults(options: AdamOptions | undefined, weightDecayDefault: number): AdamHyper {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = weightDecayDefault, amsgrad = false, maximize = false } = options ?? {};
  return { lr, betas: Array.isArray(betas) ? ([...betas] as [number, number]) : betas, eps, weightDecay, amsgrad, maximize };
}

/** Adam/AdamW's checks, in PyTorch's order and with its messages, plus boolean flags. */
export function validateAdamHyper(h: Readonly<Record<string, unknown>>): void {
  checkNumber('Invalid learning rate', h.lr, nonNegative);
  checkNumber('Invalid epsilon value', h.eps, nonNegative);
  checkBetas(h.betas);
  checkNumber('Invalid weight_decay value', h.weightDecay, nonNegative);
  checkFlag('amsgrad', h.amsgrad);
  checkFlag('maximize', h.maximize);
}

/** Adam/AdamW's state: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad. */
export function adamStateSpec(h: Readonly<Record<string, unknown>>): StateSpec {
  return { required: ['step', 'exp_avg', 'exp_avg_sq', ...(h.amsgrad === true ? ['max_exp_avg_sq'] : [])], optional: ['max_exp_avg_sq'] };
}

/** One Adam/AdamW step on one parameter; `decoupled` selects AdamW's weight decay. */
export function adamUpdate(p: Tensor, state: Record<string, unknown>, group: AdamHyper, decoupled: boolean): void {
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
  if (state.step === undefined) {
    state.step = 0;
    state.exp_avg = ownState(zerosLike(p));
    state.exp_avg_sq = ownState(zerosLike(p));
    if (amsgrad) state.max_exp_avg_sq = ownState(zerosLike(p));
  }
  const step = (state.step = (state.step as number) + 1);
  const expAvg = state.exp_avg as Tensor;
  const expAvgSq = state.exp_avg_sq as Tensor;
  let g = maximize ? p._grad!.neg() : p._grad!;
  if (!decoupled && weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
  // Without amsgrad, the moment and parameter updates are one fused pass on WASM.
  if (!amsgrad && adamUpdate_(p, expAvg, expAvgSq, g, { lr, beta1, beta2, eps, step, decoupledDecay: decoupled ? weightDecay : 0 })) return;
  expAvg.copy_(expAvg.mul(beta1).add(g, { alpha: 1 - beta1 }));
  expAvgSq.copy_(expAvgSq.mul(beta2).add(g.mul(1 - beta2).mul(g)));
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  let second = expAvgSq;
  if (amsgrad) {
    const max = state.max_exp_avg_sq as Tensor;
    max.copy_(max.maximum(expAvgSq));
    second = max;
  }
  const denom = second.sqrt().div(bc2Sqrt).add(eps);
  const update = expAvg.div(denom).mul(-stepSize);
  // AdamW decays θ first (θ ← θ(1 − γλ)); both land in one write to the parameter.
  const base = decoupled && weightDecay !== 0 ? p.mul(1 - lr * weightDecay) : p;
  p.copy_(base.add(update));
}

/**
 * `torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
 * maximize=False)`.
 */
export class Adam extends Optimizer<AdamHyper> {
  static override readonly className: string = 'Adam';
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 0));
  }

  protected override validateHyperparameters(h: Readonly<Record<string, unknown>>): void {
    validateAdamHyper(h);
  }

  protected override stateSpec(h: Readonly<Record<string, unknown>>): StateSpec {
    return adamStateSpec(h);
  }

  protected override updateGroup(group: ParamGroup<AdamHyper>, params: Tensor[]): void {
    for (const p of params) adamUpdate(p, this.stateOf(p), group, false);
  }
}
