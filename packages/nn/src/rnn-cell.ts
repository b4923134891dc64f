/** `RNNCell`, `LSTMCell`, `GRUCell` (`torch.nn.RNNCell`, …): one time step of the recurrent layers. */
import { empty, linear as linearOp, zeros, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, choiceArg, describeValue, factoryArgs, sizeArg } from './args.js';
import { checkTensor } from './functional/activation.js';
import { gateCount, gruStep, lstmStep, rnnStep, type RecurrentMode } from './functional/recurrent.js';
import { uniform_ } from './init.js';
import { Module } from './module.js';
import { ownParameter, type Parameter } from './parameter.js';
import { pyBool, shapeStr } from './repr.js';

/** The options of the cells (PyTorch's keywords, camelCase). */
export interface RNNCellOptions {
  /** Learn `bias_ih` and `bias_hh` (default `true`). */
  bias?: boolean;
  /** `RNNCell` only: `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

/**
 * `torch.nn.RNNCellBase`: `weight_ih [G·H, inputSize]`, `weight_hh [G·H, H]`, `bias_ih`,
 * `bias_hh [G·H]` (G = 1, 4, 3 gates), all ~ U(−1/√H, 1/√H).
 */
export abstract class RNNCellBase extends Module {
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;

  constructor(op: string, mode: RecurrentMode, inputSize: number, hiddenSize: number, a: Record<string, unknown>) {
    super();
    factoryArgs(op, a);
    this.inputSize = sizeArg(op, 'inputSize', inputSize);
    this.hiddenSize = sizeArg(op, 'hiddenSize', hiddenSize);
    this.bias = boolArg(op, 'bias', a.bias, true);
    const gate = gateCount(mode) * hiddenSize;
    this.weight_ih = ownParameter(empty([gate, inputSize]));
    this.weight_hh = ownParameter(empty([gate, hiddenSize]));
    this.registerParameter('bias_ih', this.bias ? ownParameter(empty([gate])) : null);
    this.registerParameter('bias_hh', this.bias ? ownParameter(empty([gate])) : null);
    this.resetParameters();
  }

  /** Every parameter ~ U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) uniform_(w, -stdv, stdv);
  }

  /** @internal `input` as `[N, inputSize]` (unbatched `[inputSize]` gets a batch of 1). */
  protected _input(op: string, input: Tensor): { x: Tensor; batched: boolean } {
    checkTensor(op, input);
    if (input.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 input (got ${input.dtype})`);
    if (input.ndim !== 1 && input.ndim !== 2) throw new RangeError(`${op}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor (shape ${shapeStr(input.shape)})`);
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new RangeError(`${op}: input has inconsistent input_size: got ${input.shape[input.ndim - 1]} expected ${this.inputSize} (input shape ${shapeStr(input.shape)})`);
    }
    const batched = input.ndim === 2;
    return { x: batched ? input : input.unsqueeze(0), batched };
  }

  /** @internal A given state as `[N, H]`, checked, or zeros. */
  protected _state(op: string, what: string, h: unknown, batched: boolean, batch: number): Tensor {
    if (h === undefined || h === null) return zeros([batch, this.hiddenSize]);
    checkTensor(op, h, what);
    const hb = batched ? h : h.unsqueeze(0);
    if (h.ndim !== (batched ? 2 : 1) || hb.shape[0] !== batch || hb.shape[1] !== this.hiddenSize) {
      throw new RangeError(`${op}: ${what} has the wrong shape: expected ${shapeStr(batched ? [batch, this.hiddenSize] : [this.hiddenSize])} for input of batch ${batched ? batch : '(unbatched)'}, got ${shapeStr(h.shape)}`);
    }
    return hb;
  }

  /** @internal `x W_ihᵀ + b_ih` and `h W_hhᵀ + b_hh`. */
  protected _projections(x: Tensor, h: Tensor): [Tensor, Tensor] {
    return [linearOp(x, this.weight_ih, this.bias_ih), linearOp(h, this.weight_hh, this.bias_hh)];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    return s;
  }
}

/**
 * `torch.nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`:
 * `h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`. `cell(input, h?)` → `h'`; input `[N, inputSize]`
 * or `[inputSize]`, h `[N, hiddenSize]` or `[hiddenSize]` (zeros when not given).
 */
export class RNNCell extends RNNCellBase {
  static override readonly className: string = 'RNNCell';
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions);
  constructor(inputSize: number, hiddenSize: number, bias?: boolean, nonlinearity?: 'tanh' | 'relu' | Omit<RNNCellOptions, 'bias'>);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    const a = bindArgs('RNNCell', args, ['bias', 'nonlinearity', 'device', 'dtype']);
    const nonlinearity = choiceArg('RNNCell', 'nonlinearity', a.nonlinearity, ['tanh', 'relu'] as const, 'tanh');
    super('RNNCell', nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, a);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, batched } = this._input('RNNCell', input);
    const h = this._state('RNNCell', 'hx', hx, batched, x.shape[0]!);
    const [gi, gh] = this._projections(x, h);
    const out = rnnStep(gi.add(gh), this.nonlinearity === 'relu');
    return batched ? out : out.squeeze(0);
  }

  override extraRepr(): string {
    const s = super.extraRepr();
    return this.nonlinearity === 'tanh' ? s : `${s}, nonlinearity=${this.nonlinearity}`;
  }
}

/**
 * `torch.nn.LSTMCell(input_size, hidden_size, bias=True)`: one LSTM step (gates i, f, g, o).
 * `cell(input, [h, c]?)` → `[h', c']`, each `[N, hiddenSize]` (or `[hiddenSize]` unbatched).
 */
export class LSTMCell extends RNNCellBase {
  static override readonly className: string = 'LSTMCell';
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNCellOptions, 'nonlinearity'>);
  constructor(inputSize: number, hiddenSize: number, bias?: boolean | Omit<RNNCellOptions, 'nonlinearity'>);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('LSTMCell', 'LSTM', inputSize, hiddenSize, bindArgs('LSTMCell', args, ['bias', 'device', 'dtype']));
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const op = 'LSTMCell';
    const { x, batched } = this._input(op, input);
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new TypeError(`${op}: hx must be [h, c], an array of two tensors (got ${describeValue(hx)})`);
    }
    const h = this._state(op, 'hx[0]', hx?.[0], batched, x.shape[0]!);
    const c = this._state(op, 'hx[1]', hx?.[1], batched, x.shape[0]!);
    const [gi, gh] = this._projections(x, h);
    const [h1, c1] = lstmStep(gi.add(gh), c);
    return batched ? [h1, c1] : [h1.squeeze(0), c1.squeeze(0)];
  }
}

/**
 * `torch.nn.GRUCell(input_size, hidden_size, bias=True)`: one GRU step (gates r, z, n).
 * `cell(input, h?)` → `h'`, shapes as `RNNCell`.
 */
export class GRUCell extends RNNCellBase {
  static override readonly className: string = 'GRUCell';
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNCellOptions, 'nonlinearity'>);
  constructor(inputSize: number, hiddenSize: number, bias?: boolean | Omit<RNNCellOptions, 'nonlinearity'>);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('GRUCell', 'GRU', inputSize, hiddenSize, bindArgs('GRUCell', args, ['bias', 'device', 'dtype']));
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { x, batched } = this._input('GRUCell', input);
    const h = this._state('GRUCell', 'hx', hx, batched, x.shape[0]!);
    const [gi, gh] = this._projections(x, h);
    const out = gruStep(gi, gh, h);
    return batched ? out : out.squeeze(0);
  }
}
