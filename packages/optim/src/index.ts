/**
 * @flint/optim: optimizers and learning-rate schedulers, as `torch.optim` (PyTorch 1.13).
 */
// Registers the autograd engine, so `loss.backward()` works for anyone importing this package.
import '@flint/autograd';

export {
  Optimizer,
  required,
  type OptimizerStateDict,
  type PyTorchStateDictLike,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
  type StateSpec,
  type StateValue,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
import * as lrScheduler from './lr-scheduler/index.js';
export { lrScheduler };
