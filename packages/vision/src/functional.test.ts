/**
 * vision's functional ops against PyTorch (scripts/fixtures/vision_cases.py): forward outputs and
 * the gradients of every input after `output.backward(grad_output)`.
 */
import { describe, it } from 'vitest';
import '@flint/autograd';
import { adaptiveAvgPool2d, avgPool2d, conv2d, maxPool2d, pad, type Tensor } from '@flint/tensor';
import { FIXTURES, expectClose, loadTensors, readJson } from './test-utils/compare.js';

interface Case {
  name: string;
  op: 'conv2d' | 'maxPool2d' | 'avgPool2d' | 'adaptiveAvgPool2d' | 'pad';
  options: Record<string, any>;
}
const spec = readJson<{ atol: number; rtol: number; cases: Case[] }>(new URL('vision-cases.json', FIXTURES));
const data = loadTensors(new URL('vision-cases.safetensors', FIXTURES));

function apply(c: Case, t: Record<string, Tensor>): Tensor {
  const o = c.options;
  switch (c.op) {
    case 'conv2d':
      return conv2d(t.input!, t.weight!, t.bias ?? null, o);
    case 'maxPool2d':
      return maxPool2d(t.input!, o.kernelSize, o);
    case 'avgPool2d':
      return avgPool2d(t.input!, o.kernelSize, o);
    case 'adaptiveAvgPool2d':
      return adaptiveAvgPool2d(t.input!, o.outputSize);
    case 'pad':
      return pad(t.input!, o.pad, o);
  }
}

describe('functional ops match PyTorch', () => {
  for (const c of spec.cases) {
    it(`${c.name} forward`, () => {
      const inputs: Record<string, Tensor> = {};
      for (const k of ['input', 'weight', 'bias']) if (data[`${c.name}/${k}`]) inputs[k] = data[`${c.name}/${k}`]!;
      expectClose(apply(c, inputs), data[`${c.name}/output`]!, `${c.name} output`, spec.atol, spec.rtol);
    });
    it(`${c.name} backward`, () => {
      const inputs: Record<string, Tensor> = {};
      for (const k of ['input', 'weight', 'bias']) {
        const t = data[`${c.name}/${k}`];
        if (t) inputs[k] = t.detach().requiresGrad_();
      }
      apply(c, inputs).backward(data[`${c.name}/grad_output`]!);
      for (const [k, t] of Object.entries(inputs)) {
        expectClose(t.grad!, data[`${c.name}/grad/${k}`]!, `${c.name} grad.${k}`, spec.atol, spec.rtol);
      }
    });
  }
});
