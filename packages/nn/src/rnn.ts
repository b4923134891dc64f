/** `RNN`, `LSTM`, `GRU` (`torch.nn.RNN`, `torch.nn.LSTM`, `torch.nn.GRU`): multi-layer recurrent layers. */
import { cat, empty, linear as linearOp, stack, zeros, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, choiceArg, describeValue, factoryArgs, sizeArg } from './args.js';
import { checkTensor } from './functional/activation.js';
import { checkDropoutP, dropout } from './functional/dropout.js';
import { GruLayer, LstmLayer, RnnLayer } from './functional/fused-rnn.js';
import { gateCount, gruStep, lstmStep, rnnStep, type RecurrentMode } from './functional/recurrent.js';
import { uniform_ } from './init.js';
import { Module } from './module.js';
import { ownParameter, type Parameter } from './parameter.js';
import { pyBool, pyFloat, shapeStr } from './repr.js';

/** The options of `RNN`, `LSTM` and `GRU` (PyTorch's keywords, camelCase). */
export interface RNNOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** `'tanh'` (default) or `'relu'`; `RNN` only. */
  nonlinearity?: 'tanh' | 'relu';
  /** Learn `bias_ih` and `bias_hh` (default `true`). */
  bias?: boolean;
  /** Input and output `[N, L, H]` instead of `[L, N, H]` (default `false`); states are never batch-first. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second direction from the end of the sequence, concatenated (default `false`). */
  bidirectional?: boolean;
  /** `LSTM` only: project `h` to this size with `weight_hr` (default 0: no projection). */
  projSize?: number;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

const ARG_NAMES = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'] as const;

/**
 * `torch.nn.RNNBase`: the parameters and the time loop shared by `RNN`, `LSTM` and `GRU`.
 *
 * Parameters, per layer `k` and direction (suffix `_reverse` for the backward one), in PyTorch's
 * order: `weight_ih_l{k}` `[G·H, inputSize]` (layer 0) or `[G·H, D·Hout]`, `weight_hh_l{k}`
 * `[G·H, Hout]`, `bias_ih_l{k}` and `bias_hh_l{k}` `[G·H]`, and with `projSize` `weight_hr_l{k}`
 * `[projSize, H]`; G is 1, 4 or 3 gates, D 2 when bidirectional, Hout `projSize || hiddenSize`.
 * All are initialised U(−1/√H, 1/√H).
 */
export abstract class RNNBase extends Module {
  readonly mode: RecurrentMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** The parameter names, layer by layer and direction by direction (`_flat_weights_names`). */
  readonly _flatWeightsNames: string[] = [];
  /** The same per layer and direction (`_all_weights`). */
  readonly _allWeights: string[][] = [];

  constructor(mode: RecurrentMode, op: string, inputSize: number, hiddenSize: number, args: readonly unknown[], extra: readonly string[]) {
    super();
    const a = bindArgs(op, args, [...ARG_NAMES, ...extra, 'device', 'dtype']);
    factoryArgs(op, a);
    this.mode = mode;
    this.inputSize = sizeArg(op, 'inputSize', inputSize);
    this.hiddenSize = sizeArg(op, 'hiddenSize', hiddenSize);
    if (hiddenSize <= 0) throw new RangeError(`${op}: hidden_size must be greater than zero (got ${hiddenSize})`);
    this.numLayers = a.numLayers === undefined ? 1 : sizeArg(op, 'numLayers', a.numLayers);
    if (this.numLayers <= 0) throw new RangeError(`${op}: num_layers must be greater than zero (got ${this.numLayers})`);
    this.bias = boolArg(op, 'bias', a.bias, true);
    this.batchFirst = boolArg(op, 'batchFirst', a.batchFirst, false);
    const p = a.dropout ?? 0;
    checkDropoutP(p, op);
    if (typeof p === 'number' && !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed`);
    this.dropout = p;
    if (p > 0 && this.numLayers === 1) {
      console.warn(`${op}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${p} and num_layers=1`);
    }
    this.bidirectional = boolArg(op, 'bidirectional', a.bidirectional, false);
    this.projSize = a.projSize === undefined ? 0 : sizeArg(op, 'projSize', a.projSize);
    if (this.projSize >= hiddenSize && this.projSize > 0) throw new RangeError(`${op}: proj_size has to be smaller than hidden_size`);

    const gate = gateCount(mode) * hiddenSize;
    const out = this.projSize || hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < dirs; dir++) {
        const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const layerIn = layer === 0 ? inputSize : out * dirs;
        const shapes: [string, number[]][] = [
          [`weight_ih${sfx}`, [gate, layerIn]],
          [`weight_hh${sfx}`, [gate, out]],
        ];
        if (this.bias) shapes.push([`bias_ih${sfx}`, [gate]], [`bias_hh${sfx}`, [gate]]);
        if (this.projSize > 0) shapes.push([`weight_hr${sfx}`, [this.projSize, hiddenSize]]);
        for (const [name, shape] of shapes) this.registerParameter(name, ownParameter(empty(shape)));
        this._allWeights.push(shapes.map(([name]) => name));
        this._flatWeightsNames.push(...shapes.map(([name]) => name));
      }
    }
    this.resetParameters();
  }

  /** Every parameter ~ U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const w of this.parameters()) uniform_(w, -stdv, stdv);
  }

  /** The parameters per layer and direction (`all_weights`). */
  get allWeights(): Parameter[][] {
    return this._allWeights.map((names) => names.map((n) => this._parameters.get(n)!));
  }

  /** @internal Checks `input` and returns it as `[L, N, Hin]`, with whether it was unbatched. */
  protected _input(op: string, input: Tensor): { x: Tensor; batched: boolean } {
    checkTensor(op, input);
    if (input.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 input (got ${input.dtype})`);
    if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`${op}: Expected input to be 2-D or 3-D but received ${input.ndim}-D tensor (shape ${shapeStr(input.shape)})`);
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new RangeError(`${op}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.ndim - 1]} (input shape ${shapeStr(input.shape)})`);
    }
    const batched = input.ndim === 3;
    const x = !batched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    return { x, batched };
  }

  /** @internal A given initial state as `[D·layers, N, size]`, checked, or zeros. */
  protected _state(op: string, what: string, h: unknown, batched: boolean, batch: number, size: number): Tensor {
    const expected = [this.numLayers * (this.bidirectional ? 2 : 1), batch, size];
    if (h === undefined || h === null) return zeros(expected);
    checkTensor(op, h, what);
    if (!batched && h.ndim !== 2) throw new RangeError(`${op}: For unbatched 2-D input, ${what} should also be 2-D but got ${h.ndim}-D tensor`);
    if (batched && h.ndim !== 3) throw new RangeError(`${op}: For batched 3-D input, ${what} should also be 3-D but got ${h.ndim}-D tensor`);
    const hb = batched ? h : h.unsqueeze(1);
    if (hb.shape.length !== 3 || hb.shape.some((s, i) => s !== expected[i])) {
      const exp = batched ? expected : [expected[0]!, expected[2]!];
      throw new RangeError(`${op}: Expected ${what} size (${exp.join(', ')}), got ${shapeStr(h.shape)}`);
    }
    return hb;
  }

  /**
   * @internal The stacked time loop on `x [L, N, Hin]` from states `h0` (and `c0`) `[D·layers, N, *]`:
   * returns the last layer's outputs `[L, N, D·Hout]` and the final states.
   */
  protected _run(x: Tensor, h0: Tensor, c0: Tensor | null): { output: Tensor; h: Tensor; c: Tensor | null } {
    const dirs = this.bidirectional ? 2 : 1;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < dirs; dir++) {
        const k = layer * dirs + dir;
        const names = this._allWeights[k]!;
        const w = (name: string) => this._parameters.get(names.find((n) => n.startsWith(name))!)!;
        const r = this._direction(layerInput, w('weight_ih'), w('weight_hh'), this.bias ? w('bias_ih') : null, this.bias ? w('bias_hh') : null, this.projSize > 0 ? w('weight_hr') : null, h0.select(0, k), c0 ? c0.select(0, k) : null, dir === 1);
        outs.push(r.output);
        hs.push(r.h);
        if (r.c) cs.push(r.c);
      }
      layerInput = dirs === 1 ? outs[0]! : cat(outs, 2);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) layerInput = dropout(layerInput, this.dropout, true);
    }
    return { output: layerInput, h: stack(hs, 0), c: c0 ? stack(cs, 0) : null };
  }

  /** @internal One layer in one direction: all input projections in one matMul, then one matMul per step. */
  private _direction(
    x: Tensor,
    wIh: Tensor,
    wHh: Tensor,
    bIh: Tensor | null,
    bHh: Tensor | null,
    wHr: Tensor | null,
    h0: Tensor,
    c0: Tensor | null,
    reverse: boolean,
  ): { output: Tensor; h: Tensor; c: Tensor | null } {
    const steps = x.shape[0]!;
    const gru = this.mode === 'GRU';
    // For RNN and LSTM both biases only add up: fold b_hh into the input projection once.
    const inBias = bIh && bHh && !gru ? bIh.add(bHh) : bIh;
    const gi = linearOp(x, wIh, inBias);
    if (!wHr) {
      // The fused layers (one autograd node each), hidden-major: see functional/fused-rnn.ts.
      const giT = gi.permute(0, 2, 1).contiguous();
      const hT = h0.t().contiguous();
      const [outT, hN, cN] =
        this.mode === 'LSTM'
          ? (LstmLayer.apply(giT, hT, c0!.t().contiguous(), wHh, reverse) as [Tensor, Tensor, Tensor])
          : this.mode === 'GRU'
            ? (GruLayer.apply(giT, hT, wHh, bHh, reverse) as [Tensor, Tensor])
            : (RnnLayer.apply(giT, hT, wHh, reverse, this.mode === 'RNN_RELU') as [Tensor, Tensor]);
      return { output: outT.permute(0, 2, 1), h: hN.t(), c: cN ? cN.t() : null };
    }
    const wHhT = wHh.t();
    const wHrT = wHr ? wHr.t() : null;
    let h = h0;
    let c = c0;
    const outs: Tensor[] = new Array<Tensor>(steps);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const git = gi.select(0, t);
      if (gru) {
        const gh = bHh ? h.mm(wHhT).add(bHh) : h.mm(wHhT);
        h = gruStep(git, gh, h);
      } else {
        const gates = git.add(h.mm(wHhT));
        if (this.mode === 'LSTM') {
          const [hNext, cNext] = lstmStep(gates, c!);
          h = wHrT ? hNext.mm(wHrT) : hNext;
          c = cNext;
        } else {
          h = rnnStep(gates, this.mode === 'RNN_RELU');
        }
      }
      outs[t] = h;
    }
    return { output: stack(outs, 0), h, c };
  }

  /** @internal `forward` of the layers with one state (RNN, GRU): `[output, hN]`. */
  protected _forwardHidden(op: string, input: Tensor, hx: Tensor | null | undefined): [Tensor, Tensor] {
    const { x, batched } = this._input(op, input);
    const h0 = this._state(op, 'hidden', hx, batched, x.shape[1]!, this.hiddenSize);
    const { output, h } = this._run(x, h0, null);
    return [this._outputLayout(output, batched), batched ? h : h.squeeze(1)];
  }

  /** @internal The output back in the caller's layout. */
  protected _outputLayout(output: Tensor, batched: boolean): Tensor {
    return !batched ? output.squeeze(1) : this.batchFirst ? output.transpose(0, 1) : output;
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

/**
 * `torch.nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
 * batch_first=False, dropout=0, bidirectional=False)`: `h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)`.
 *
 * `rnn(input, h0?)` → `[output, hN]`: input `[L, N, inputSize]` (`[N, L, inputSize]` with
 * `batchFirst`, or unbatched `[L, inputSize]`), `h0`/`hN` `[D·numLayers, N, hiddenSize]` (zeros
 * when not given), output `[L, N, D·hiddenSize]`.
 */
export class RNN extends RNNBase {
  static override readonly className: string = 'RNN';
  readonly nonlinearity: 'tanh' | 'relu';

  /** `new RNN(10, 20, { numLayers: 2, nonlinearity: 'relu' })`, or PyTorch's positional order. */
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNOptions, 'projSize'>);
  constructor(inputSize: number, hiddenSize: number, numLayers?: number, nonlinearity?: 'tanh' | 'relu', bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean | Omit<RNNOptions, 'projSize'>);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    // PyTorch's positional order puts nonlinearity second: (num_layers, nonlinearity, bias, …).
    const named = ['numLayers', 'nonlinearity', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'device', 'dtype'];
    const a = bindArgs('RNN', args, named);
    const nonlinearity = choiceArg('RNN', 'nonlinearity', a.nonlinearity, ['tanh', 'relu'] as const, 'tanh');
    const { nonlinearity: _n, ...rest } = a;
    void _n;
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', 'RNN', inputSize, hiddenSize, [rest], []);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    return this._forwardHidden('RNN', input, hx);
  }

}

/**
 * `torch.nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0,
 * bidirectional=False, proj_size=0)`: gates i, f, g, o = σ, σ, tanh, σ of
 * `x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh`; `c_t = f ⊙ c_{t−1} + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`
 * (times `W_hrᵀ` with `projSize`).
 *
 * `lstm(input, [h0, c0]?)` → `[output, [hN, cN]]`: `h0`/`hN` `[D·numLayers, N, Hout]`, `c0`/`cN`
 * `[D·numLayers, N, hiddenSize]`, output `[L, N, D·Hout]`, Hout = `projSize || hiddenSize`.
 */
export class LSTM extends RNNBase {
  static override readonly className: string = 'LSTM';
  /** `new LSTM(10, 20, { numLayers: 2, bidirectional: true })`, or PyTorch's positional order. */
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNOptions, 'nonlinearity'>);
  constructor(inputSize: number, hiddenSize: number, numLayers?: number, bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean, projSize?: number | Omit<RNNOptions, 'nonlinearity'>);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, args, ['projSize']);
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const op = 'LSTM';
    const { x, batched } = this._input(op, input);
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new TypeError(`${op}: hx must be [h0, c0], an array of two tensors (got ${describeValue(hx)})`);
    }
    const n = x.shape[1]!;
    const h0 = this._state(op, 'hidden[0]', hx?.[0], batched, n, this.projSize || this.hiddenSize);
    const c0 = this._state(op, 'hidden[1]', hx?.[1], batched, n, this.hiddenSize);
    const { output, h, c } = this._run(x, h0, c0);
    return [this._outputLayout(output, batched), batched ? [h, c!] : [h.squeeze(1), c!.squeeze(1)]];
  }
}

/**
 * `torch.nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0,
 * bidirectional=False)`: `r, z = σ(x W_i{r,z}ᵀ + b_i{r,z} + h W_h{r,z}ᵀ + b_h{r,z})`,
 * `n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`.
 *
 * `gru(input, h0?)` → `[output, hN]`, shapes as `RNN`.
 */
export class GRU extends RNNBase {
  static override readonly className: string = 'GRU';
  /** `new GRU(10, 20, { numLayers: 2 })`, or PyTorch's positional order. */
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNOptions, 'nonlinearity' | 'projSize'>);
  constructor(inputSize: number, hiddenSize: number, numLayers?: number, bias?: boolean, batchFirst?: boolean, dropout?: number, bidirectional?: boolean | Omit<RNNOptions, 'nonlinearity' | 'projSize'>);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super('GRU', 'GRU', inputSize, hiddenSize, args, []);
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    return this._forwardHidden('GRU', input, hx);
  }
}
