/**
 * Backward formulas of the convolution, pooling and padding ops (PyTorch's
 * `convolution_backward`, `max_pool2d_with_indices_backward`, `avg_pool2d_backward`).
 *
 * Both convolution gradients are forward convolutions again, built from the `conv2d` op itself,
 * so they run on the fast forward kernel (WASM has no `Conv2DBackpropFilter`, and its
 * `Conv2DBackpropInput` is ~9× slower than a forward conv) and double backward comes for free.
 * Per spatial axis, with stride s, dilation d, kernel k (effective extent ke = d(k-1)+1) and
 * padding (pt, pb) of an input of length H giving Ho outputs:
 *
 * - input:  gx = conv(dilate_s(gy), flip(w) with in/out swapped, dilation d), padded by
 *   ke-1-pt before and H+pt-((Ho-1)s+1) after (negative amounts crop).
 * - weight: gw = conv(x with N and C swapped, gy with N and O swapped as the filter,
 *   stride d, dilation s), cropped to k: the batch becomes the contracted channel axis.
 * - bias:   gb = sum of gy over N, H, W.
 *
 * With groups the same holds group by group; the reshapes below keep it one `conv2d` call.
 */
import {
  _conv2dInputGrad as conv2dInputGradFast,
  _conv2dWeightGrad as conv2dWeightGradFast,
  _conv2dWeightGradCovers as conv2dWeightGradFastCovers,
  _conv2dWeightGradPadding as conv2dWeightGradPadding,
  _conv2dInputGradPadding as conv2dInputGradPadding,
  _exchangeMatrix as exchangeMatrix,
  _isEmptyConv as isEmptyConv,
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  isGradEnabled,
  maxPool2dBackward,
  pad,
  tensor,
  type Conv2dAttrs,
  type Pool2dAttrs,
  type Tensor,
} from '@flint/tensor';
import { attrs, type Formula } from './types.js';
import { each } from './util.js';

/** Inserts s-1 zeros after every element along dims 2 and 3: [N, O, Ho, Wo] → [N, O, Ho·sh, Wo·sw]. */
function dilateByStride(g: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  if (sh === 1 && sw === 1) return g;
  const [n, o, ho, wo] = g.shape as [number, number, number, number];
  return pad(g.reshape([n, o, ho, 1, wo, 1]), [0, sw - 1, 0, 0, 0, sh - 1]).reshape([n, o, ho * sh, wo * sw]);
}

/**
 * `w.flip([2, 3])` for a filter `[A, B, kh, kw]`, as one matMul of the `[A·B, kh·kw]` taps with the
 * exchange matrix: tfjs-wasm's Reverse kernel runs ~48 ns per element (a 512×512×3×3 flip took
 * 89 ms, a third of a ResNet-18 training step), the matMul ~10× less. Exact for finite weights.
 */
function flipSpatial(w: Tensor): Tensor {
  const [a, b, kh, kw] = w.shape as [number, number, number, number];
  const taps = kh * kw;
  if (taps === 1) return w;
  const exchange = tensor(exchangeMatrix(taps), { shape: [taps, taps] });
  return w.reshape([a * b, taps]).mm(exchange).reshape([a, b, kh, kw]);
}

/** dL/dinput of `conv2d`. */
export function conv2dInputGrad(g: Tensor, weight: Tensor, inputShape: readonly number[], a: Conv2dAttrs): Tensor {
  const { stride, padding, dilation, groups } = a;
  const [o, cg, kh, kw] = weight.shape as [number, number, number, number];
  const { before, after } = conv2dInputGradPadding([g.shape[2]!, g.shape[3]!], [inputShape[2]!, inputShape[3]!], [kh, kw], a);
  let gd = dilateByStride(g, stride);
  if ([...before, ...after].some((p) => p < 0)) {
    gd = pad(gd, [Math.min(before[1]!, 0), Math.min(after[1]!, 0), Math.min(before[0]!, 0), Math.min(after[0]!, 0)]);
  }
  // [O, Cg, kh, kw] → [C, O/groups, kh, kw] (in/out swapped within each group), flipped in space.
  const og = o / groups;
  const swapped = groups === 1 ? weight.transpose(0, 1) : weight.reshape([groups, og, cg, kh, kw]).permute([0, 2, 1, 3, 4]).reshape([groups * cg, og, kh, kw]);
  return conv2d(gd, flipSpatial(swapped), null, {
    padding: [
      [Math.max(before[0]!, 0), Math.max(after[0]!, 0)],
      [Math.max(before[1]!, 0), Math.max(after[1]!, 0)],
    ],
    dilation,
    groups,
  });
}

/** dL/dweight of `conv2d`. */
export function conv2dWeightGrad(g: Tensor, input: Tensor, weightShape: readonly number[], a: Conv2dAttrs): Tensor {
  const { stride, dilation, groups } = a;
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [, cg, kh, kw] = weightShape as [number, number, number, number];
  // Channels become the batch and the batch the channels: [Cg, groups·N, H, W].
  const xt = groups === 1 ? input.transpose(0, 1) : input.reshape([n, groups, cg, h, w]).permute([2, 1, 0, 3, 4]).reshape([cg, groups * n, h, w]);
  const gt = g.transpose(0, 1); // [O, N, Ho, Wo]: the filter
  let gw = conv2d(xt, gt, null, {
    stride: dilation,
    dilation: stride,
    padding: conv2dWeightGradPadding([g.shape[2]!, g.shape[3]!], [h, w], [kh, kw], a),
    groups,
  }); // [Cg, O, kh', kw'] with kh' >= kh
  if (gw.shape[2] !== kh) gw = gw.narrow(2, 0, kh);
  if (gw.shape[3] !== kw) gw = gw.narrow(3, 0, kw);
  return gw.transpose(0, 1);
}

type AvgAttrs = Pool2dAttrs & { scale: Float32Array | null; countIncludePad: boolean; divisorOverride: number | null };

export const convFormulas: Record<string, Formula> = {
  conv2d: (ctx, [g]) => {
    const a = attrs<Conv2dAttrs>(ctx);
    // A second backward needs the recorded forms; otherwise both gradients skip autograd. An empty
    // convolution's gradients are zeros, constant in everything (the fast forms give them).
    const empty = isEmptyConv(ctx.inputShapes[0]!, ctx.inputShapes[1]!);
    const once = !isGradEnabled();
    return each(
      ctx,
      () => ((a.groups === 1 && once) || empty ? conv2dInputGradFast : conv2dInputGrad)(g!, ctx.input(1), ctx.inputShapes[0]!, a),
      () => ((conv2dWeightGradFastCovers(a) && once) || empty ? conv2dWeightGradFast : conv2dWeightGrad)(g!, ctx.input(0), ctx.inputShapes[1]!, a),
      () => g!.sum([0, 2, 3]),
    );
  },
  // The forward saved each window's first-maximum tap as its second (int32) output.
  maxPool2d: (ctx, [g]) => each(ctx, () => maxPool2dBackward(g!, ctx.inputShapes[0]!, attrs<Pool2dAttrs>(ctx), ctx.output(1))),
  avgPool2d: (ctx, [g]) => each(ctx, () => avgPool2dBackward(g!, ctx.inputShapes[0]!, attrs<AvgAttrs>(ctx))),
  // avgPool2dBackward is linear in the output gradient: its own gradient is the pool again.
  avgPool2dBackward: (ctx, [g]) => {
    const a = attrs<AvgAttrs>(ctx);
    return each(ctx, () =>
      avgPool2d(g!, a.kernel, { stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad, divisorOverride: a.divisorOverride }),
    );
  },
  // pad's gradient crops what was added and zero-pads what was cropped: pad with negated amounts.
  pad: (ctx, [g]) => {
    const { pads } = attrs<{ pads: [number, number][] }>(ctx);
    const negated = [...pads].reverse().flatMap(([b, a]) => [-b, -a]);
    return each(ctx, () => pad(g!, negated));
  },
};
