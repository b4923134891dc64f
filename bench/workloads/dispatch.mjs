/**
 * D1 and D2: Flint against calling tfjs-core directly, in ONE process on the same tfjs engine and
 * backend (Flint's tfjs-core resolves to the same module), interleaved step by step.
 *   D1: a chain of 1,000 elementwise ops on [64] (add, mul, sub), inside `scope` / `tf.tidy`.
 *   D2: one 512×512 matmul, completed with dataSync.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getBackend, memory, mm, rand, randn, scope } from '@flint/tensor';
import { cliOptions, report, reportError, timeInterleaved } from '../lib/measure.mjs';

const opts = cliOptions();

function d1() {
  const a = randn([64]);
  const b = randn([64]);
  const c = rand([64]).add(0.5);
  const [ta, tb, tc] = [a, b, c].map((t) => tf.tensor(t.dataSync(), [64]));
  return {
    flint: () =>
      scope(() => {
        let x = a;
        for (let i = 0; i < 1000; i++) x = i % 3 === 0 ? x.add(b) : i % 3 === 1 ? x.mul(c) : x.sub(b);
        return x.dataSync()[0];
      }),
    'tfjs-core': () =>
      tf.tidy(() => {
        let x = ta;
        for (let i = 0; i < 1000; i++) x = i % 3 === 0 ? tf.add(x, tb) : i % 3 === 1 ? tf.mul(x, tc) : tf.sub(x, tb);
        return x.dataSync()[0];
      }),
  };
}

function d2() {
  const a = randn([512, 512]);
  const b = randn([512, 512]);
  const [ta, tb] = [a, b].map((t) => tf.tensor(t.dataSync(), [512, 512]));
  return {
    flint: () => {
      const c = mm(a, b);
      c.dataSync();
      c.dispose();
    },
    'tfjs-core': () => {
      const c = tf.matMul(ta, tb);
      c.dataSync();
      c.dispose();
    },
  };
}

try {
  const make = { D1: d1, D2: d2 }[opts.workload];
  if (!make) throw new Error(`dispatch.mjs: unknown workload ${opts.workload}`);
  const before = tf.memory().numTensors;
  const probe = randn([1]);
  if (tf.memory().numTensors !== before + 1 || memory().numTensors !== tf.memory().numTensors) {
    throw new Error('dispatch.mjs: Flint and the bench do not share one tfjs engine');
  }
  probe.dispose();
  const results = await timeInterleaved(make(), opts);
  report({ workload: opts.workload, backend: getBackend(), tfjs_backend: tf.getBackend(), results });
} catch (err) {
  reportError(opts.workload, err);
}
