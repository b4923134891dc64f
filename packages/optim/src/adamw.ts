/**
 * `AdamW`: Adam with decoupled weight decay (`torch.optim.AdamW`), Loshchilov & Hutter,
 * https://arxiv.org/abs/1711.05101. Each step first decays θ ← θ(1 − γλ), then applies Adam's
 * update without any L2 term in the gradient. `weightDecay` defaults to 1e-2.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.AdamW.html
 */
import type { Tensor } from '@flint/tensor';
import { adamDefaults, adamStateSpec, adamUpdate, validateAdamHyper, type AdamHyper, type AdamOptions } from './adam.js';
import { Optimizer, type ParamGroup, type Params, type StateSpec } from './optimizer.js';

/**
 * `torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
 * amsgrad=False, maximize=False)`.
 */
export class AdamW extends Optimizer<AdamHyper> {
  static override readonly className: string = 'AdamW';
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 1e-2));
  }

  protected override validateHyperparameters(h: Readonly<Record<string, unknown>>): void {
    validateAdamHyper(h);
  }

  protected override stateSpec(h: Readonly<Record<string, unknown>>): StateSpec {
    return adamStateSpec(h);
  }

  protected override updateGroup(group: ParamGroup<AdamHyper>, params: Tensor[]): void {
    for (const p of params) adamUpdate(p, this.stateOf(p), group, true);
  }
}
