/**
 * Every vision case of the PyTorch oracles (the project's `tests/oracle/**` and the shared
 * `../shared/oracle`): load the state dict, run the module (or the functional call) in train mode,
 * compare the output(s), backward `sum(output_i · grad_output_i)` and compare every gradient, the
 * buffers after the call (running stats) and the eval-mode output. The
 * `seed_basic_block` case is the seed's hand-written block, which lives in `apps/seed` and is
 * checked there the same way.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '@flint/autograd';
import { noGrad } from '@flint/autograd';
import type { Module } from '@flint/nn';
import type { Tensor } from '@flint/tensor';
import { AdaptiveAvgPool1d, AdaptiveMaxPool2d, PixelShuffle, PixelUnshuffle, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, MaxPool1d, MaxPool2d, ResidualBlock, Upsample, F, resnet18 } from './index.js';
import { ORACLES, expectClose, readJson } from './test-utils/compare.js';
import { loadCase, oracleCases } from '../../../tests/oracle-cases.js';

/** Module kinds: the layer built from the case's config (PyTorch's snake_case keys). */
const builders: Record<string, (c: Record<string, any>) => Module> = {
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
const calls: Record<string, (c: Record<string, any>) => (x: Tensor) => unknown> = {
  interpolate: (c) => (x) => F.interpolate(x, options({ size: c.size, scaleFactor: c.scale_factor, mode: c.mode, alignCorners: c.align_corners })),
};

/** `null` config values are left out of the options, as the oracle's README says. */
function options(o: Record<string, unknown>): Record<string, any> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

const kinds = [...Object.keys(builders), ...Object.keys(calls)];
const cases = oracleCases(...kinds);

/** A result as the oracle names it: `output` for one tensor, `output.N` for an array. */
function flatten(value: unknown, prefix: string): [string, Tensor][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(v, `${prefix}.${i}`));
  return [[prefix, value as Tensor]];
}

describe('vision layers match the PyTorch oracle', () => {
  it.each(kinds)('%s has cases', (kind) => {
    expect(cases.some((c) => c.kind === kind)).toBe(true);
  });

  for (const c of cases) {
    it(c.name, () => {
      const data = loadCase(c);
      const close = (a: Tensor, key: string) => expectClose(a, data[key]!, `${c.name} ${key}`, c.atol, c.rtol);
      const m = c.kind in builders ? builders[c.kind]!(c.config) : null;
      const params = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
      if (m) m.loadStateDict(params);
      const buffersBefore = m?.buffers();
      m?.train();
      const input = data.input!.detach().requiresGrad_();
      const result = m ? m(input) : calls[c.kind]!(c.config)(input);
      const outputs = flatten(result, 'output');
      let total: Tensor | null = null;
      for (const [key, out] of outputs) {
        expect(data[key], `${c.name}: ${key} in the case`).toBeDefined();
        close(out, key);
        const g = data[key.replace('output', 'grad_output')];
        if (g) total = total ? total.add(out.mul(g).sum()) : out.mul(g).sum();
      }
      expect(outputs.length).toBe(Object.keys(data).filter((k) => k === 'output' || k.startsWith('output.')).length);
      total!.backward();
      close(input.grad!, 'grad.input');
      const named = Object.fromEntries(m?.namedParameters() ?? []);
      const gradKeys = Object.keys(data).filter((k) => k.startsWith('grad.param.'));
      expect(gradKeys.length).toBe(Object.keys(named).length);
      for (const key of gradKeys) close(named[key.slice('grad.param.'.length)]!.grad!, key);
      if (!m) return;
      const state = m.stateDict();
      for (const key of Object.keys(data).filter((k) => k.startsWith('state_after.'))) close(state[key.slice('state_after.'.length)]!, key);
      // Running stats are updated in place: the registered buffers are the same objects.
      expect(m.buffers()).toEqual(buffersBefore);
      if (data.eval_output) {
        m.eval();
        close(noGrad(() => m(data.input!) as Tensor), 'eval_output');
      }
    });
  }
});

describe('resnet18', () => {
  const withShapes = ORACLES.filter((o) => existsSync(new URL('resnet18_state_dict_shapes.json', o.dir)));
  it.each(withShapes.map((o) => [o.label, o.dir] as const))('has torchvision state-dict keys, order and shapes (%s)', (_label, dir) => {
    const expected = readJson<Record<string, number[]>>(new URL('resnet18_state_dict_shapes.json', dir));
    const sd = resnet18({ numClasses: 10 }).stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(expected));
    for (const [k, shape] of Object.entries(expected)) expect([...sd[k]!.shape], k).toEqual(shape);
  });
});
