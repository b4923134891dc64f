/**
 * Convolutions on tiny inputs against the direct definition, for strides, paddings and dilations,
 * including taps that only ever read padding. 1×1 inputs with a 1×1 output run as one matMul of
 * the input and the one tap that reads it (ResNet's layer 4); those with no more output positions
 * than output channels as a matMul over the input's columns; the others on the conv kernel.
 */
import { describe, expect, it } from 'vitest';
import { conv2d, manualSeed, randn, type Tensor } from '../index.js';
import { columnsFor } from './conv-columns.js';

/** The definition: out[n, o, y, x] = b[o] + Σ_c,i,j in[n, c, y·s - p + i·d, x·s - p + j·d] · w[o, c, i, j]. */
function reference(x: Tensor, w: Tensor, b: Tensor | null, s: [number, number], p: [number, number], d: [number, number]): number[] {
  const [n, c, h, wd] = x.shape as number[];
  const [o, , kh, kw] = w.shape as number[];
  const xv = x.dataSync();
  const wv = w.dataSync();
  const bv = b?.dataSync();
  const ho = Math.floor((h! + 2 * p[0] - d[0] * (kh! - 1) - 1) / s[0]) + 1;
  const wo = Math.floor((wd! + 2 * p[1] - d[1] * (kw! - 1) - 1) / s[1]) + 1;
  const out: number[] = [];
  for (let a = 0; a < n!; a++)
    for (let q = 0; q < o!; q++)
      for (let y = 0; y < ho; y++)
        for (let z = 0; z < wo; z++) {
          let acc = bv ? bv[q]! : 0;
          for (let k = 0; k < c!; k++)
            for (let i = 0; i < kh!; i++)
              for (let j = 0; j < kw!; j++) {
                const iy = y * s[0] - p[0] + i * d[0];
                const ix = z * s[1] - p[1] + j * d[1];
                if (iy >= 0 && iy < h! && ix >= 0 && ix < wd!) acc += xv[((a * c! + k) * h! + iy) * wd! + ix]! * wv[((q * c! + k) * kh! + i) * kw! + j]!;
              }
          out.push(acc);
        }
  return out;
}

describe('conv2d on tiny inputs', () => {
  const configs: [number[], number[], [number, number], [number, number], [number, number]][] = [
    [[2, 5, 1, 1], [4, 5, 3, 3], [1, 1], [1, 1], [1, 1]],
    [[2, 3, 2, 2], [4, 3, 3, 3], [2, 2], [1, 1], [1, 1]],
    [[1, 4, 2, 2], [3, 4, 3, 3], [1, 1], [1, 1], [1, 1]],
    [[2, 3, 4, 4], [2, 3, 3, 3], [1, 1], [2, 2], [2, 2]],
    [[2, 2, 4, 3], [3, 2, 2, 3], [2, 1], [0, 1], [1, 1]],
    [[1, 3, 3, 3], [2, 3, 1, 1], [1, 1], [0, 0], [1, 1]],
  ];
  // No more output positions than output channels: the matMul over the input's columns.
  const columnConfigs: typeof configs = [
    [[2, 3, 2, 2], [12, 3, 3, 3], [1, 1], [1, 1], [1, 1]],
    [[2, 3, 4, 4], [10, 3, 3, 3], [2, 2], [1, 1], [1, 1]],
    [[1, 2, 3, 3], [10, 2, 3, 3], [1, 1], [2, 2], [2, 2]],
    [[1, 2, 4, 3], [8, 2, 2, 3], [2, 1], [0, 1], [1, 1]],
    [[2, 3, 4, 4], [9, 3, 1, 1], [2, 2], [0, 0], [1, 1]],
  ];
  it.each(columnConfigs.map((c, i) => [i, ...c] as const))('columns config %i takes the columns path', (_i, xs, ws, s, p, d) => {
    const pad: [[number, number], [number, number]] = [[p[0], p[0]], [p[1], p[1]]];
    expect(columnsFor(xs, ws, { stride: s, padding: pad, dilation: d, groups: 1 })).not.toBeNull();
  });
  it.each([...configs, ...columnConfigs].map((c, i) => [i, ...c] as const))('config %i', (_i, xs, ws, s, p, d) => {
    manualSeed(3);
    const x = randn(xs);
    const w = randn(ws);
    const b = randn([ws[0]!]);
    const y = conv2d(x, w, b, { stride: s, padding: p, dilation: d });
    const want = reference(x, w, b, s, p, d);
    const got = Array.from(y.dataSync());
    expect(got.length).toBe(want.length);
    got.forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(1e-4 + 1e-4 * Math.abs(want[k]!)));
  });
});
