/**
 * `Adagrad` (`torch.optim.Adagrad`), Duchi et al., https://jmlr.org/papers/v12/duchi11a.html.
 *
 * PyTorch 1.13's update, in its order (`_single_tensor_adagrad`), at step t:
 *   g ← ∇θ (−∇θ when maximize);  g ← g + λθ;  γ̃ ← γ / (1 + (t − 1)η)
 *   s ← s + g²;  θ ← θ − γ̃ g / (√s + ε)
 * The state (`sum` = initialAccumulatorValue, `step` = 0) is created at construction, as PyTorch.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.Adagrad.html
 */
import { fullLike, type Tensor } from '@flint/tensor';
import { Optimizer, ownState, type ParamGroup, type ParamGroupInput, type Params, type StateSpec } from './optimizer.js';
import { checkFlag, checkNumber, nonNegative } from './validation.js';

export interface AdagradOptions {
  /** Learning rate γ. Default 1e-2. */
  lr?: number;
  /** Learning-rate decay η. Default 0. */
  lrDecay?: number;
  /** L2 penalty λ. Default 0. */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients. Default 0. */
  initialAccumulatorValue?: number;
  /** Added to the denominator for numerical stability. Default 1e-10. */
  eps?: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

export type AdagradHyper = Required<AdagradOptions>;

/**
 * `torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
 * eps=1e-10, maximize=False)`.
 */
export class Adagrad extends Optimizer<AdagradHyper> {
  static override readonly className: string = 'Adagrad';
  constructor(params: Params<AdagradHyper>, options: AdagradOptions = {}) {
    const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false } = options ?? {};
    super(params, { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize });
  }

  /** PyTorch's checks, in its order and with its messages, plus a boolean `maximize`. */
  protected override validateHyperparameters(h: Readonly<Record<string, unknown>>): void {
    checkNumber('Invalid learning rate', h.lr, nonNegative);
    checkNumber('Invalid lr_decay value', h.lrDecay, nonNegative);
    checkNumber('Invalid weight_decay value', h.weightDecay, nonNegative);
    checkNumber('Invalid initial_accumulator_value value', h.initialAccumulatorValue, nonNegative);
    checkNumber('Invalid epsilon value', h.eps, nonNegative);
    checkFlag('maximize', h.maximize);
  }

  /** `step` and `sum`, created for every parameter at construction. */
  protected override stateSpec(): StateSpec {
    return { required: ['step', 'sum'] };
  }

  /** `add_param_group`, which also creates the new parameters' state (after the group is checked and stored). */
  override addParamGroup(group: ParamGroupInput<AdagradHyper>): void {
    super.addParamGroup(group);
    const added = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of added.params) this.initState(p, added.initialAccumulatorValue);
  }

  private initState(p: Tensor, initialValue: number): void {
    const state = this.stateOf(p);
    if (state.step !== undefined) return;
    state.step = 0;
    state.sum = ownState(fullLike(p, initialValue));
  }

  protected override updateGroup(group: ParamGroup<AdagradHyper>, params: Tensor[]): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const p of params) {
      const state = this.stateOf(p);
      this.initState(p, group.initialAccumulatorValue);
      const step = (state.step = (state.step as number) + 1);
      let g = maximize ? p._grad!.neg() : p._grad!;
      if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = state.sum as Tensor;
      sum.copy_(sum.add(g.mul(g)));
      p.add_(g.div(sum.sqrt().add(eps)).mul(-clr));
    }
  }
}
