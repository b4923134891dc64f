/**
 * `SGD`: stochastic gradient descent with optional (Nesterov) momentum (`torch.optim.SGD`).
 *
 * PyTorch 1.13's update, in its order (`_single_tensor_sgd`):
 *   g ← ∇θ (−∇θ when maximize);  g ← g + λθ (weight decay)
 *   b ← g on the first step, else b ← μb + (1 − τ)g;  g ← g + μb (nesterov) or g ← b
 *   θ ← θ − γg
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.SGD.html
 */
import { _axpy_ as axpy_, _momentumUpdate_ as momentumUpdate_, type Tensor } from '@flint/tensor';
import { Optimizer, ownState, required, type ParamGroup, type Params, type StateSpec } from './optimizer.js';
import { checkFlag, checkNumber, nonNegative } from './validation.js';

export interface SGDOptions {
  /** Learning rate γ (required). */
  lr: number;
  /** Momentum factor μ. Default 0. */
  momentum?: number;
  /** Dampening τ for momentum. Default 0. */
  dampening?: number;
  /** L2 penalty λ. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize?: boolean;
}

export type SGDHyper = Required<SGDOptions>;

/**
 * `torch.optim.SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False,
 * maximize=False)`; `lr` is required.
 */
export class SGD extends Optimizer<SGDHyper> {
  static override readonly className: string = 'SGD';
  constructor(params: Params<SGDHyper>, options: SGDOptions) {
    const { lr = required as unknown as number, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options ?? {};
    super(params, { lr, momentum, dampening, weightDecay, nesterov, maximize });
  }

  /** PyTorch's checks (`lr`, `momentum`, `weight_decay` ≥ 0, Nesterov's needs), plus finite `dampening` and boolean flags. */
  protected override validateHyperparameters(h: Readonly<Record<string, unknown>>): void {
    if (h.lr !== required) checkNumber('Invalid learning rate', h.lr, nonNegative);
    checkNumber('Invalid momentum value', h.momentum, nonNegative);
    checkNumber('Invalid weight_decay value', h.weightDecay, nonNegative);
    checkNumber('Invalid dampening value', h.dampening);
    checkFlag('nesterov', h.nesterov);
    checkFlag('maximize', h.maximize);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
  }

  /** `momentum_buffer` (a tensor, or `null` without momentum), as PyTorch saves it. */
  protected override stateSpec(): StateSpec {
    return { required: [], optional: ['momentum_buffer'], nullable: ['momentum_buffer'] };
  }

  protected override updateGroup(group: ParamGroup<SGDHyper>, params: Tensor[]): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of params) {
      const state = this.stateOf(p);
      let d = maximize ? p._grad!.neg() : p._grad!;
      if (weightDecay !== 0) d = d.add(p, { alpha: weightDecay });
      // Without Nesterov, the momentum and parameter updates are one fused pass on WASM.
      const buffer = state.momentum_buffer as Tensor | null | undefined;
      if (!nesterov && momentum !== 0 && buffer && momentumUpdate_(p, buffer, d, momentum, 1 - dampening, -lr)) continue;
      if (momentum === 0 && axpy_(p, d, -lr)) {
        state.momentum_buffer = null;
        continue;
      }
      if (momentum !== 0) {
        let buf = state.momentum_buffer as Tensor | null | undefined;
        if (!buf) state.momentum_buffer = buf = ownState(d);
        else buf.copy_(buf.mul(momentum).add(d, { alpha: 1 - dampening }));
        d = nesterov ? d.add(buf, { alpha: momentum }) : buf;
      } else {
        state.momentum_buffer = null;
      }
      p.add_(d, { alpha: -lr });
    }
  }
}
