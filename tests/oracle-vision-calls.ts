/**
 * For tests of every package: how the oracle's vision cases are built, called and checked — the
 * layers of @flint/vision built from a case's config (PyTorch's snake_case keys), and
 * `F.interpolate`. Used by @flint/vision's oracle runner (WASM) and @flint/webgpu's.
 */
import { noGrad } from '@flint/autograd';
import type { Module } from '@flint/nn';
import type { Tensor } from '@flint/tensor';
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  F,
  MaxPool1d,
  MaxPool2d,
  PixelShuffle,
  PixelUnshuffle,
  ResidualBlock,
  Upsample,
} from '@flint/vision';
import { expect } from 'vitest';
import { loadCase, type OracleCase } from './oracle-cases.js';
import { expectClose, expectParamGrads, loadParams, withPrefix } from './oracle-compare.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Cfg = Record<string, any>;

/** `null` config values are left out of the options, as the oracle's README says. */
function options(o: Record<string, unknown>): Cfg {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

/** Module kinds: the layer built from the case's config. */
export const VISION_BUILDERS: Record<string, (c: Cfg) => Module> = {
  conv2d: (c) => new Conv2d(c.in_channels, c.out_channels, c.kernel_size, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias }),
  batchnorm1d: (c) => new BatchNorm1d(c.num_features, { eps: c.eps, momentum: c.momentum }),
  batchnorm2d: (c) => new BatchNorm2d(c.num_features, { eps: c.eps, momentum: c.momentum }),
  maxpool2d: (c) => new MaxPool2d(c.kernel_size, { stride: c.stride, padding: c.padding }),
  avgpool2d: (c) => new AvgPool2d(c.kernel_size, { stride: c.stride }),
  adaptive_avgpool2d: (c) => new AdaptiveAvgPool2d(c.output_size),
  tv_basic_block: (c) => new ResidualBlock(c.inplanes, c.planes, { stride: c.stride }),
  conv1d: (c) =>
    new Conv1d(c.in_channels, c.out_channels, c.kernel_size, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias, paddingMode: c.padding_mode }),
  conv_transpose2d: (c) =>
    new ConvTranspose2d(c.in_channels, c.out_channels, c.kernel_size, {
      stride: c.stride,
      padding: c.padding,
      outputPadding: c.output_padding,
      groups: c.groups,
      bias: c.bias,
      dilation: c.dilation,
    }),
  maxpool1d: (c) => new MaxPool1d(c.kernel_size, { stride: c.stride, padding: c.padding, dilation: c.dilation, returnIndices: c.return_indices, ceilMode: c.ceil_mode }),
  avgpool1d: (c) => new AvgPool1d(c.kernel_size, { stride: c.stride, padding: c.padding, ceilMode: c.ceil_mode, countIncludePad: c.count_include_pad }),
  upsample: (c) => new Upsample(options({ size: c.size, scaleFactor: c.scale_factor, mode: c.mode, alignCorners: c.align_corners })),
  adaptive_maxpool2d: (c) => new AdaptiveMaxPool2d(c.output_size, { returnIndices: c.return_indices }),
  pixel_shuffle: (c) => new PixelShuffle(c.upscale_factor),
  pixel_unshuffle: (c) => new PixelUnshuffle(c.downscale_factor),
  adaptive_avgpool1d: (c) => new AdaptiveAvgPool1d(c.output_size),
};

/** Functional kinds: a call on the one input. */
export const VISION_CALLS: Record<string, (c: Cfg) => (x: Tensor) => unknown> = {
  interpolate: (c) => (x) => F.interpolate(x, options({ size: c.size, scaleFactor: c.scale_factor, mode: c.mode, alignCorners: c.align_corners })),
};

export const VISION_KINDS = [...Object.keys(VISION_BUILDERS), ...Object.keys(VISION_CALLS)];

/** A result as the oracle names it: `output` for one tensor, `output.N` for an array. */
function flatten(value: unknown, prefix: string): [string, Tensor][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(v, `${prefix}.${i}`));
  return [[prefix, value as Tensor]];
}

/**
 * Loads the state dict, runs the module (or the functional call) in train mode, compares the
 * output(s), backward of Σ (output_i · grad_output_i).sum(), compares every gradient, the buffers
 * after the call (running stats, updated in place) and the eval-mode output.
 */
export async function checkVisionCase(c: OracleCase): Promise<void> {
  const data = loadCase(c);
  const close = (a: Tensor | null | undefined, key: string) => expectClose(a, data[key]!, c, `${c.name} ${key}`);
  const m = c.kind in VISION_BUILDERS ? VISION_BUILDERS[c.kind]!(c.config) : null;
  if (m) loadParams(m, data);
  const buffersBefore = m?.buffers();
  m?.train();
  const input = data['input']!.detach().requiresGrad_();
  const result = m ? m(input) : VISION_CALLS[c.kind]!(c.config)(input);
  const outputs = flatten(result, 'output');
  expect(outputs.length, `${c.name}: outputs`).toBe(Object.keys(data).filter((k) => k === 'output' || k.startsWith('output.')).length);
  let total: Tensor | null = null;
  for (const [key, out] of outputs) {
    expect(data[key], `${c.name}: ${key} in the case`).toBeDefined();
    await close(out, key);
    const g = data[key.replace('output', 'grad_output')];
    if (g) total = total ? total.add(out.mul(g).sum()) : out.mul(g).sum();
  }
  total!.backward();
  await close(input.grad, 'grad.input');
  if (!m) {
    expect(Object.keys(withPrefix(data, 'grad.param.'))).toEqual([]);
    return;
  }
  await expectParamGrads(m, data, c, c.name);
  const state = m.stateDict();
  for (const [key, expected] of Object.entries(withPrefix(data, 'state_after.'))) await expectClose(state[key], expected, c, `${c.name} state_after.${key}`);
  // Running stats are updated in place: the registered buffers are the same objects.
  expect(m.buffers()).toEqual(buffersBefore);
  if (data['eval_output']) {
    m.eval();
    await close(noGrad(() => m(data['input']!) as Tensor), 'eval_output');
  }
}

/** The check of each kind here. */
export const VISION_CHECKS: Record<string, (c: OracleCase) => Promise<void>> = Object.fromEntries(VISION_KINDS.map((k) => [k, checkVisionCase]));
