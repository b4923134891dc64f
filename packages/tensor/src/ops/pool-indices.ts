/**
 * @internal Max pooling with where each window's maximum is (PyTorch's `max_pool2d_with_indices`,
 * CPU semantics), for `maxPool2d`'s recorded forward and its backward. On WASM this runs in JS on
 * the input straight out of the WASM heap (one pass over the taps; tfjs-wasm's MaxPoolWithArgmax is
 * channels-last and has neither PyTorch's NaN rule nor its ceil-mode windows); elsewhere it is
 * built from tfjs ops tap by tap.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapAlloc, heapView } from '../heap.js';
import type { Pool2dAttrs } from './pool.js';

/**
 * Max pooling of NCHW data with each window's maximum and where it is, as PyTorch's
 * `max_pool2d_with_indices` on the CPU finds it: a tap is taken when it is greater than the best
 * so far or NaN (so NaN propagates), and a window's first real tap is always taken (so a window
 * of `-inf` values points at a real position, never at padding). `out` `[N, C, Ho, Wo]` and
 * `indices` `[N·C·Ho·Wo]`, int32: the flat position in the whole input, `((n·C + c)·H + h)·W + w`.
 * Inside the caller's `tf.tidy`.
 */
export function poolWithIndices(x: tf.Tensor, a: Pool2dAttrs): { out: tf.Tensor; indices: tf.Tensor } {
  return heapView(x) ? poolOnHeap(x, a) : poolByTaps(x, a);
}

/** The sizes of a pooling of `x [N, C, H, W]`, one name each. */
function dims(x: tf.Tensor, a: Pool2dAttrs) {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [[kh, kw], [oh, ow], [ph, pw], [sh, sw], [dh, dw]] = [a.kernel, a.outShape, a.padding, a.stride, a.dilation];
  return { n, c, h, w, kh, kw, oh, ow, ph, pw, sh, sw, dh, dw };
}

/**
 * The scan in JS over the input's values in the WASM heap: ~1 ms for ResNet's stem pool, where
 * the same from tfjs-wasm kernels took ~30 ms (its Slice kernel copies its whole input out of the
 * heap, a gather moves one index per element).
 */
function poolOnHeap(x: tf.Tensor, a: Pool2dAttrs): { out: tf.Tensor; indices: tf.Tensor } {
  const { n, c, h, w, kh, kw, oh, ow, ph, pw, sh, sw, dh, dw } = dims(x, a);
  const outT = heapAlloc([n, c, oh, ow]);
  const indicesT = heapAlloc([n * c * oh * ow], 'int32');
  // The outputs are allocated first and written in place: an allocation may grow the heap and
  // detach earlier views.
  const [src, out, indices] = [heapView(x)!, heapView(outT.tensor)!, heapView(indicesT.tensor)!];
  for (let plane = 0, at = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let r = 0; r < oh; r++) {
      const top = r * sh - ph;
      for (let q = 0; q < ow; q++, at++) {
        const left = q * sw - pw;
        let best = Number.NEGATIVE_INFINITY;
        let where = -1;
        for (let i = 0; i < kh; i++) {
          const y = top + i * dh;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < kw; j++) {
            const xx = left + j * dw;
            if (xx < 0 || xx >= w) continue;
            const v = src[base + y * w + xx]!;
            if (where < 0 || v > best || Number.isNaN(v)) {
              best = v;
              where = y * w + xx;
            }
          }
        }
        out[at] = best;
        indices[at] = base + where;
      }
    }
  }
  return { out: outT.tensor, indices: indicesT.tensor };
}

/**
 * The same from tfjs ops, for the other backends: tap by tap, each tap one slice of a phase plane
 * of the padded input, compared with the running maximum.
 */
function poolByTaps(x: tf.Tensor, a: Pool2dAttrs): { out: tf.Tensor; indices: tf.Tensor } {
  const { n, c, h, w, kh, kw, oh, ow, ph, pw, sh, sw, dh, dw } = dims(x, a);
  // Padded with -inf as PyTorch's windows are, and on to a multiple of the stride, so that the
  // input splits into stride² phase planes [N·C, Hp/sh, Wp/sw]; every tap is a plain slice of one.
  const hp = Math.ceil((h + 2 * ph + a.extra[0]) / sh) * sh;
  const wp = Math.ceil((w + 2 * pw + a.extra[1]) / sw) * sw;
  const xp = hp === h && wp === w ? x : tf.pad(x, [[0, 0], [0, 0], [ph, hp - h - ph], [pw, wp - w - pw]], -Infinity);
  const grid = tf.reshape(xp, [n * c * (hp / sh), sh, wp / sw, sw]);
  const planes = new Map<number, tf.Tensor>();
  const plane = (pi: number, pj: number): tf.Tensor => {
    const k = pi * sw + pj;
    if (!planes.has(k)) planes.set(k, tf.reshape(tf.slice(grid, [0, pi, 0, pj], [-1, 1, -1, 1]), [n * c, hp / sh, wp / sw]));
    return planes.get(k)!;
  };
  // Per output position, the input offset `h·W + w` of its window's top-left tap (may be negative).
  const origin = new Int32Array(n * c * oh * ow);
  for (let b = 0, at = 0; b < n * c; b++) {
    for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) origin[at++] = b * h * w + (r * sh - ph) * w + (q * sw - pw);
  }
  const taken = new Uint8Array(oh * ow); // whether the window has met a real tap yet
  let best: tf.Tensor | null = null;
  let offset: tf.Tensor | null = null;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const [ti, tj] = [i * dh, j * dw];
      const tap = tf.slice(plane(ti % sh, tj % sw), [0, Math.floor(ti / sh), Math.floor(tj / sw)], [n * c, oh, ow]);
      const at = tf.fill([n * c, oh, ow], ti * w + tj, 'int32');
      const first = firstRealTaps(taken, i, j, h, w, a);
      if (best === null || offset === null) {
        best = tap;
        offset = at;
        continue;
      }
      let take: tf.Tensor = tf.logicalOr(tf.greater(tap, best), tf.isNaN(tap));
      if (first) take = tf.logicalOr(take, tf.tensor(first, [oh, ow], 'bool'));
      best = tf.where(take, tap, best);
      offset = tf.where(take, at, offset);
    }
  }
  const indices = tf.add(tf.reshape(offset!, [-1]), tf.tensor1d(origin, 'int32'));
  return { out: tf.reshape(best!, [n, c, oh, ow]), indices };
}

/**
 * Marks in `taken` the windows whose first real (non-padding) tap is `(i, j)` and returns them as
 * a `[Ho, Wo]` 0/1 mask, or null when there are none.
 */
function firstRealTaps(taken: Uint8Array, i: number, j: number, h: number, w: number, a: Pool2dAttrs): Uint8Array | null {
  const [oh, ow] = a.outShape;
  let mask: Uint8Array | null = null;
  for (let r = 0; r < oh; r++) {
    const y = r * a.stride[0] - a.padding[0] + i * a.dilation[0];
    if (y < 0 || y >= h) continue;
    for (let q = 0; q < ow; q++) {
      const xx = q * a.stride[1] - a.padding[1] + j * a.dilation[1];
      if (xx < 0 || xx >= w || taken[r * ow + q]) continue;
      taken[r * ow + q] = 1;
      (mask ??= new Uint8Array(oh * ow))[r * ow + q] = 1;
    }
  }
  return mask;
}

