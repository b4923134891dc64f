/**
 * @flint/autograd: the graph engine and backward formulas behind `Tensor.backward()`
 * (`torch.autograd`). Importing it registers the engine with @flint/tensor.
 */
export { backward, grad, type BackwardFnOptions, type GradOptions } from './engine.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad-mode.js';
export { Function, type FunctionCtx, type ForwardArgs, type ForwardResult } from './function.js';
export { gradcheck, type GradcheckOptions, type GradcheckFn } from './gradcheck.js';
