/**
 * tfjs as a user would set it up in Node for training: tfjs-core + a backend + tfjs-layers, plus
 * the gradient registrations that only the ESM build of tfjs-core carries (see the hook file).
 */
import { register, createRequire } from 'node:module';

register('./esm-extensionless-hooks.mjs', import.meta.url);
const require = createRequire(import.meta.url);

export const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
export const tfl = require('@tensorflow/tfjs-layers');

const gradients = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
await import(gradients);

/** Switches tfjs to `backend` ('wasm' or 'cpu') and waits for it. */
export async function useBackend(backend) {
  tf.env().set('IS_TEST', false);
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed`);
  await tf.ready();
}
