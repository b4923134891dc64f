/** `utils` (`torch.nn.utils`). */
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from './clip-grad.js';
export { clipGradNorm_ as clipGradNorm, clipGradValue_ as clipGradValue } from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export * as rnn from './rnn.js';
