/**
 * @flint/nn: modules, layers, losses and initialisers, as `torch.nn`. Importing it loads
 * `@flint/autograd`, so `loss.backward()` works.
 */
// Registers the autograd engine, so `loss.backward()` works for anyone importing this package.
import '@flint/autograd';

export { Module, type RemovableHandle, type ForwardHook, type ForwardPreHook, type IncompatibleKeys, type NamedMembersOptions, type StateDictLike } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, type LinearOptions } from './linear.js';
export { Identity } from './identity.js';
export { ReLU, Sigmoid, Tanh, GELU, LeakyReLU, ELU, SiLU, Softplus, Softmax, LogSoftmax } from './activation.js';
export { Mish, SELU, CELU, Hardtanh, ReLU6, Hardswish, Hardsigmoid, Softsign, LogSigmoid, Tanhshrink, PReLU, type HardtanhOptions, type PReLUOptions } from './activation.js';
export { GroupNorm, type GroupNormOptions } from './group-norm.js';
export { Dropout } from './dropout.js';
export { Flatten, type FlattenOptions } from './flatten.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { LayerNorm, type LayerNormOptions } from './layer-norm.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export { RNNBase, RNN, LSTM, GRU, type RNNOptions } from './rnn.js';
export { RNNCellBase, RNNCell, LSTMCell, GRUCell, type RNNCellOptions } from './rnn-cell.js';
export { MultiheadAttention, NonDynamicallyQuantizableLinear, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './multihead-attention.js';
export {
  TransformerEncoderLayer,
  TransformerEncoder,
  TransformerDecoderLayer,
  TransformerDecoder,
  Transformer,
  type TransformerLayerOptions,
  type TransformerOptions,
  type TransformerActivation,
  type DecoderMasks,
} from './transformer.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss } from './loss.js';
export * as F from './functional.js';
export * as functional from './functional.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
export type { RecurrentMode } from './functional/recurrent.js';
