/**
 * Activation layers (`torch.nn.ReLU`, `Sigmoid`, …): each wraps the function of the same name in
 * `F` and shows its arguments in `extraRepr()` as PyTorch does.
 */
import type { Tensor } from '@flint/tensor';
import * as F from './functional/activation.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/** `torch.nn.ReLU()`: max(x, 0). */
export class ReLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

/** `torch.nn.Sigmoid()`: 1 / (1 + exp(-x)). */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** `torch.nn.Tanh()`. */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** `torch.nn.SiLU()`: x · σ(x) (a.k.a. swish). */
export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

/** `torch.nn.GELU(approximate='none')`: x · Φ(x) (https://arxiv.org/abs/1606.08415). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') throw new Error(`approximate argument must be either none or tanh (got '${String(this.approximate)}')`);
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** `torch.nn.LeakyReLU(negative_slope=0.01)`: x if x ≥ 0 else negativeSlope · x. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/** `torch.nn.ELU(alpha=1.0)`: x if x > 0 else alpha · (exp(x) - 1). */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/** `torch.nn.Softmax(dim)`: exp(x) / Σ exp(x) along `dim`. */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** `torch.nn.LogSoftmax(dim)`: x - logsumexp(x) along `dim`. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
