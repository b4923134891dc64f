/**
 * @internal The one-step math of the recurrent layers and cells (PyTorch's `_VF.rnn_tanh_cell`,
 * `lstm_cell`, `gru_cell`), on projections computed beforehand: `gi = x W_ihᵀ + b_ih` and
 * `gh = h W_hhᵀ + b_hh`, both `[N, gateSize]`. The layers compute `gi` for every time step in
 * one matMul and add `b_hh` to it once (for RNN and LSTM, where the biases only ever add up), so
 * a step is one matMul plus the gate arithmetic.
 */
import type { Tensor } from '@flint/tensor';

/** The recurrent layer kinds: Elman RNN (tanh or ReLU), LSTM, GRU. */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Gates per hidden unit: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
export function gateCount(mode: RecurrentMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
}

/** Elman RNN: `h' = act(gi + gh)`. */
export function rnnStep(gates: Tensor, relu: boolean): Tensor {
  return relu ? gates.relu() : gates.tanh();
}

/**
 * LSTM: gates `[N, 4H]` = `gi + gh` in the order input, forget, cell, output;
 * `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')`.
 */
export function lstmStep(gates: Tensor, c: Tensor): [h: Tensor, c: Tensor] {
  const hidden = c.shape[c.ndim - 1]!;
  const d = gates.ndim - 1;
  const ifGates = gates.narrow(d, 0, 2 * hidden).sigmoid();
  const i = ifGates.narrow(d, 0, hidden);
  const f = ifGates.narrow(d, hidden, hidden);
  const g = gates.narrow(d, 2 * hidden, hidden).tanh();
  const o = gates.narrow(d, 3 * hidden, hidden).sigmoid();
  const cNext = f.mul(c).add(i.mul(g));
  return [o.mul(cNext.tanh()), cNext];
}

/**
 * GRU: `r = σ(gi_r + gh_r)`, `z = σ(gi_z + gh_z)`, `n = tanh(gi_n + r ⊙ gh_n)`,
 * `h' = (1 − z) ⊙ n + z ⊙ h`; `gh` must include `b_hh` (it sits inside `r ⊙ (…)`).
 */
export function gruStep(gi: Tensor, gh: Tensor, h: Tensor): Tensor {
  const hidden = h.shape[h.ndim - 1]!;
  const d = gi.ndim - 1;
  const rz = gi.narrow(d, 0, 2 * hidden).add(gh.narrow(d, 0, 2 * hidden)).sigmoid();
  const r = rz.narrow(d, 0, hidden);
  const z = rz.narrow(d, hidden, hidden);
  const n = gi.narrow(d, 2 * hidden, hidden).add(r.mul(gh.narrow(d, 2 * hidden, hidden))).tanh();
  // (1 - z) * n + z * h, as PyTorch's gru_cell, written with one fewer op.
  return n.add(z.mul(h.sub(n)));
}
