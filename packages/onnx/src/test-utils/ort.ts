/** Runs exported models in ONNX Runtime (onnxruntime-node) and compares with Flint's outputs. */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { noGrad } from '@flint/autograd';
import type { Module } from '@flint/nn';
import type { Tensor } from '@flint/tensor';
import { exportOnnx, type ExampleInput, type ExportOnnxOptions } from '../export.js';
import { flattenTensors } from '../trace.js';
import { onnx } from '../proto.js';

const ortType = { float32: 'float32', int32: 'int32', bool: 'bool' } as const;

function feed(t: Tensor): ort.Tensor {
  const values = t.dataSync();
  const data = t.dtype === 'bool' ? Uint8Array.from(values, (v) => (v ? 1 : 0)) : t.dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values);
  return new ort.Tensor(ortType[t.dtype], data, [...t.shape]);
}

/** Runs `bytes` on `inputs` (named `input`, `input.0`, ... unless `names`); returns outputs in graph order. */
export async function runOnnx(bytes: Uint8Array, inputs: readonly Tensor[], names?: readonly string[]): Promise<{ dims: readonly number[]; data: Float32Array | Int32Array }[]> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  inputs.forEach((t, i) => (feeds[names?.[i] ?? session.inputNames[i]!] = feed(t)));
  const result = await session.run(feeds);
  const out = session.outputNames.map((n) => ({ dims: result[n]!.dims, data: result[n]!.data as Float32Array | Int32Array }));
  await session.release();
  return out;
}

/** Flint's outputs of `model(...inputs)` in eval mode, flattened. */
export function flintOutputs(model: Module, inputs: readonly ExampleInput[]): Tensor[] {
  model.eval();
  const flat: Tensor[] = [];
  const walk = (v: unknown) => (Array.isArray(v) ? v.forEach(walk) : v && typeof v === 'object' && 'dataSync' in v && flat.push(v as Tensor));
  walk(noGrad(() => (model as unknown as (...a: readonly ExampleInput[]) => unknown)(...inputs)));
  return flat;
}

/** Expects ONNX Runtime's outputs to match Flint's within float32 tolerance. */
export function expectMatch(actual: { dims: readonly number[]; data: ArrayLike<number> }[], expected: readonly Tensor[], atol = 1e-4, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((t, i) => {
    const a = actual[i]!;
    expect([...a.dims]).toEqual([...t.shape]);
    const want = t.dataSync();
    let worst = 0;
    for (let j = 0; j < want.length; j++) {
      const err = Math.abs(Number(a.data[j]) - Number(want[j])) - rtol * Math.abs(Number(want[j]));
      if (!(err <= atol)) worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
    }
    expect(worst, `output ${i}: worst excess error`).toBe(0);
  });
}

/**
 * Exports `model` at `inputs`, runs it in ONNX Runtime on `inputs` (and on `runInputs` when given,
 * e.g. another batch size) and checks the outputs against Flint's. Returns the parsed model.
 */
export async function checkExport(model: Module, inputs: readonly ExampleInput[], options: ExportOnnxOptions = {}, runInputs?: readonly ExampleInput[]): Promise<onnx.ModelProto> {
  const bytes = exportOnnx(model, inputs, options);
  for (const xs of runInputs ? [inputs, runInputs] : [inputs]) {
    expectMatch(await runOnnx(bytes, flattenTensors(xs), options.inputNames), flintOutputs(model, xs));
  }
  return onnx.ModelProto.decode(bytes);
}
