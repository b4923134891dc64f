/**
 * @internal The input gradient of a strided `conv2d` (groups 1, dilation 1) as `sh·sw` stride-1
 * convolutions, one per output phase, instead of one over the gradient spread out with zeros
 * (which multiplies `sh·sw` times as much, mostly by zeros).
 *
 * Per axis (input length H, kernel k, stride s, padding p before, Ho outputs): input position u
 * with `v = u + p` takes the taps `i ≡ v (mod s)`, `i = φ + s·t`, from outputs `⌊v/s⌋ - t`:
 *   `dx[u] = Σ_t g[⌊v/s⌋ - t] · w[φ + s·t]`,  φ = v mod s.
 * For each phase φ that is a stride-1 correlation of `g` (padded by `kφ - 1` before) with the
 * phase's taps reversed, `kφ = ⌈(k - φ)/s⌉` of them; its outputs `m` land at `v = s·m + φ`. The
 * phases' taps partition the filter, so their filters together are one weight's worth. The phase
 * results are then woven together, without the padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapView } from '../heap.js';
import type { Conv2dAttrs } from './conv.js';

/** One axis of the split: the phases' tap counts, the common output length M (phases · M ≥ H + p). */
interface AxisSplit {
  s: number;
  /** `kφ` per phase φ. */
  taps: number[];
  m: number;
}

function axisSplit(size: number, outSize: number, k: number, s: number, pad: readonly [number, number]): AxisSplit | null {
  if (pad[1] >= k) return null;
  const taps = Array.from({ length: s }, (_, phi) => Math.max(0, Math.ceil((k - phi) / s)));
  const m = Math.ceil((size + pad[0]) / s);
  return m >= outSize ? { s, taps, m } : null;
}

/** Whether `stridedInputGrad` covers these attributes and shapes. */
export function stridedSplit(inputShape: readonly number[], gradShape: readonly number[], weightShape: readonly number[], a: Conv2dAttrs): [AxisSplit, AxisSplit] | null {
  if (a.groups !== 1 || a.dilation[0] !== 1 || a.dilation[1] !== 1 || (a.stride[0] === 1 && a.stride[1] === 1)) return null;
  const h = axisSplit(inputShape[2]!, gradShape[2]!, weightShape[2]!, a.stride[0], a.padding[0]);
  const w = axisSplit(inputShape[3]!, gradShape[3]!, weightShape[3]!, a.stride[1], a.padding[1]);
  return h && w ? [h, w] : null;
}

/**
 * The phase's filter `[kφh, kφw, O, C]`: taps `φ + s·t` of `w [O, C, kh, kw]`, reversed, with in
 * and out channels swapped. On WASM read straight from the heap (tfjs-wasm's strided slice runs a
 * generic index loop per element); elsewhere a strided slice of the flipped filter.
 */
function phaseFilter(w: tf.Tensor, flipped: () => tf.Tensor4D, ph: number, pw: number, [sh, sw]: readonly [number, number], [th, tw]: readonly [number, number]): tf.Tensor4D {
  const [o, c, kh, kw] = w.shape as [number, number, number, number];
  const heap = heapView(w);
  if (heap === null) {
    // flipped[i'] = w[k - 1 - i']: tap φ + s·(kφ - 1 - t') is flipped row k - 1 - φ - s·(kφ - 1) + s·t'.
    const [i0, j0] = [kh - 1 - ph - sh * (th - 1), kw - 1 - pw - sw * (tw - 1)];
    return tf.stridedSlice(flipped(), [i0, j0, 0, 0], [i0 + sh * (th - 1) + 1, j0 + sw * (tw - 1) + 1, o, c], [sh, sw, 1, 1]) as tf.Tensor4D;
  }
  const out = new Float32Array(th * tw * o * c);
  for (let ti = 0; ti < th; ti++) {
    const i = ph + sh * (th - 1 - ti);
    for (let tj = 0; tj < tw; tj++) {
      const from = i * kw + pw + sw * (tw - 1 - tj);
      const base = (ti * tw + tj) * o * c;
      for (let oc = 0; oc < o * c; oc++) {
        // out[ti, tj, o, c] = w[o, c, i, j]; oc runs over (o, c) in w's order, so c is innermost.
        out[base + oc] = heap[oc * kh * kw + from]!;
      }
    }
  }
  return tf.tensor4d(out, [th, tw, o, c]);
}

/**
 * dL/dinput `[N, C, H, W]` from `g` (channels-last, `[N, Ho, Wo, O]`), inside the caller's
 * `tf.tidy`. `flipped` gives the whole filter flipped and swapped (`[kh, kw, O, C]`), made only if
 * a backend needs it.
 */
export function stridedInputGrad(gd: tf.Tensor4D, w: tf.Tensor, inputShape: readonly number[], a: Conv2dAttrs, split: [AxisSplit, AxisSplit], flipped: () => tf.Tensor4D): tf.Tensor4D {
  const [n, c, h, wd] = inputShape as [number, number, number, number];
  const [, ho, wo] = gd.shape;
  const [sh, sw] = [split[0].s, split[1].s];
  const [mh, mw] = [split[0].m, split[1].m];
  const phases: tf.Tensor[] = [];
  for (let ph = 0; ph < sh; ph++) {
    for (let pw = 0; pw < sw; pw++) {
      const [th, tw] = [split[0].taps[ph]!, split[1].taps[pw]!];
      if (th === 0 || tw === 0) {
        phases.push(tf.zeros([n, mh, mw, c]));
        continue;
      }
      const filter = phaseFilter(w, flipped, ph, pw, [sh, sw], [th, tw]);
      const pad = [[0, 0], [th - 1, mh - ho], [tw - 1, mw - wo], [0, 0]] as tf.backend_util.ExplicitPadding;
      phases.push(tf.conv2d(gd, filter, 1, pad, 'NHWC'));
    }
  }
  return interleave(phases, [n, c, h, wd], split, [a.padding[0][0], a.padding[1][0]]);
}

/**
 * The phases `[N, Mh, Mw, C]` (in `(φh, φw)` order) woven into `[N, C, H, W]`: input row u is
 * phase `(u + p) mod s`, row `⌊(u + p) / s⌋`. On WASM one pass in JS over the heap (tfjs-wasm's
 * 6-D transpose and DepthToSpace take ~40–70 ns per element); elsewhere a stack, a transpose and
 * a crop.
 */
function interleave(phases: tf.Tensor[], [n, c, h, w]: readonly number[], split: [AxisSplit, AxisSplit], [top, left]: readonly [number, number]): tf.Tensor4D {
  const [sh, sw] = [split[0].s, split[1].s];
  const [mh, mw] = [split[0].m, split[1].m];
  const views = phases.map((t) => heapView(t));
  if (views.every((v) => v !== null)) {
    const out = new Float32Array(n * c * h * w);
    for (let u = 0; u < h; u++) {
      const [ph, m] = [(u + top) % sh, Math.floor((u + top) / sh)];
      for (let x = 0; x < w; x++) {
        const [pw, q] = [(x + left) % sw, Math.floor((x + left) / sw)];
        const src = views[ph * sw + pw]!;
        for (let b = 0; b < n; b++) {
          const from = ((b * mh + m) * mw + q) * c;
          const to = b * c * h * w + u * w + x;
          for (let ch = 0; ch < c; ch++) out[to + ch * h * w] = src[from + ch]!;
        }
      }
    }
    return tf.tensor4d(out, [n, c, h, w]);
  }
  // [sh, sw, N, Mh, Mw, C] → [N, C, Mh, sh, Mw, sw]: row m·sh + φh, column m'·sw + φw.
  const stacked = tf.reshape(tf.stack(phases), [sh, sw, n, mh, mw, c]);
  const full = tf.reshape(tf.transpose(stacked, [2, 5, 3, 0, 4, 1]), [n, c, mh * sh, mw * sw]);
  return top === 0 && left === 0 && mh * sh === h && mw * sw === w ? (full as tf.Tensor4D) : (tf.slice(full, [0, 0, top, left], [n, c, h, w]) as tf.Tensor4D);
}
