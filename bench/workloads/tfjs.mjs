/** tfjs-layers alone in its process (`--backend wasm|cpu`): the models are in tfjs-steps.mjs. */
import { cliOptions, report, reportError, timeSteps } from '../lib/measure.mjs';
import { tf, useBackend } from '../lib/tfjs.mjs';
import { workloads } from './tfjs-steps.mjs';

const opts = cliOptions();
await useBackend(opts.backend);

try {
  const make = workloads[opts.workload];
  if (!make) throw new Error(`tfjs.mjs: unknown workload ${opts.workload}`);
  const step = make();
  const result = await timeSteps(step, opts);
  report({ workload: opts.workload, impl: 'tfjs-layers', backend: tf.getBackend(), ...result });
} catch (err) {
  reportError(opts.workload, err);
}
