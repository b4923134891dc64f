/**
 * W1 and W4 against tfjs-layers in ONE process, alternating step by step (measure.mjs's
 * `timeInterleaved`), so that the load of the moment hits both alike: Flint and tfjs-layers run
 * on the same tfjs engine and WASM backend. (W2 and W3 cannot: tfjs-layers does not train convs
 * on WASM.)
 */
import { getBackend, getNumThreads, memory, threadsReady } from '@flint/tensor';
import { cliOptions, report, reportError, timeInterleaved } from '../lib/measure.mjs';
import { tf } from '../lib/tfjs.mjs';
import { workloads as flint } from './flint-steps.mjs';
import { workloads as tfjs } from './tfjs-steps.mjs';

const opts = cliOptions();

try {
  if (!['W1', 'W4'].includes(opts.workload)) throw new Error(`same-process.mjs: W1 or W4, not ${opts.workload}`);
  await threadsReady();
  const before = tf.memory().numTensors;
  const probe = tf.zeros([1]);
  if (memory().numTensors !== before + 1) throw new Error('same-process.mjs: Flint and tfjs-layers do not share one tfjs engine');
  probe.dispose();
  tf.env().set('IS_TEST', false);
  const results = await timeInterleaved({ flint: flint[opts.workload](), 'tfjs-layers': tfjs[opts.workload]() }, opts);
  report({ workload: opts.workload, backend: getBackend(), threads: getNumThreads(), results });
} catch (err) {
  reportError(opts.workload, err);
}
