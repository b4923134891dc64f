/**
 * Every vision case of the shared PyTorch oracle (`../shared/oracle`): load the state dict, run
 * the module in train mode, compare the output, backward `grad_output` and compare every
 * gradient, the buffers after the call (running stats) and the eval-mode output. The
 * `seed_basic_block` case is the seed's hand-written block, which lives in `apps/seed` and is
 * checked there the same way.
 */
import { describe, expect, it } from 'vitest';
import '@flint/autograd';
import { noGrad } from '@flint/autograd';
import type { Module } from '@flint/nn';
import type { Tensor } from '@flint/tensor';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, MaxPool2d, ResidualBlock, resnet18 } from './index.js';
import { ORACLES, expectClose, loadTensors, readJson } from './test-utils/compare.js';

interface OracleCase {
  name: string;
  kind: string;
  file: string;
  config: Record<string, any>;
  atol: number;
  rtol: number;
  dir: URL;
}

const builders: Record<string, (c: Record<string, any>) => Module> = {
  conv2d: (c) => new Conv2d(c.in_channels, c.out_channels, c.kernel_size, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias }),
  batchnorm1d: (c) => new BatchNorm1d(c.num_features, { eps: c.eps, momentum: c.momentum }),
  batchnorm2d: (c) => new BatchNorm2d(c.num_features, { eps: c.eps, momentum: c.momentum }),
  maxpool2d: (c) => new MaxPool2d(c.kernel_size, { stride: c.stride, padding: c.padding }),
  avgpool2d: (c) => new AvgPool2d(c.kernel_size, { stride: c.stride }),
  adaptive_avgpool2d: (c) => new AdaptiveAvgPool2d(c.output_size),
  tv_basic_block: (c) => new ResidualBlock(c.inplanes, c.planes, { stride: c.stride }),
};

const cases = ORACLES.flatMap(({ label, dir }) =>
  readJson<{ cases: OracleCase[] }>(new URL('cases.json', dir))
    .cases.filter((c) => c.kind in builders)
    .map((c) => ({ ...c, name: `${label}/${c.name}`, dir })),
);

describe('vision layers match the PyTorch oracle', () => {
  it.each(ORACLES.map((o) => [o.label, o.dir] as const))('%s cases: has every vision kind', (_label, dir) => {
    expect(new Set(cases.filter((c) => c.dir === dir).map((c) => c.kind))).toEqual(new Set(Object.keys(builders)));
  });

  for (const c of cases) {
    it(c.name, () => {
      const data = loadTensors(new URL(c.file, c.dir));
      const close = (a: Tensor, key: string) => expectClose(a, data[key]!, `${c.name} ${key}`, c.atol, c.rtol);
      const m = builders[c.kind]!(c.config);
      const params = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
      m.loadStateDict(params);
      const buffersBefore = m.buffers();
      m.train();
      const input = data.input!.detach().requiresGrad_();
      const output = m(input) as Tensor;
      close(output, 'output');
      output.backward(data.grad_output!);
      close(input.grad!, 'grad.input');
      const named = Object.fromEntries(m.namedParameters());
      const gradKeys = Object.keys(data).filter((k) => k.startsWith('grad.param.'));
      expect(gradKeys.length).toBe(Object.keys(named).length);
      for (const key of gradKeys) close(named[key.slice('grad.param.'.length)]!.grad!, key);
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
  it.each(ORACLES.map((o) => [o.label, o.dir] as const))('has torchvision state-dict keys, order and shapes (%s)', (_label, dir) => {
    const expected = readJson<Record<string, number[]>>(new URL('resnet18_state_dict_shapes.json', dir));
    const sd = resnet18({ numClasses: 10 }).stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(expected));
    for (const [k, shape] of Object.entries(expected)) expect([...sd[k]!.shape], k).toEqual(shape);
  });
});
