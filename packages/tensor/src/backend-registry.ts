/**
 * @internal tfjs-core's backend and kernel registries, for backend packages (`@flint/webgpu`
 * registers its backend and kernel fixes through them). Typed opaquely, so that Flint's public
 * declarations stand alone without tfjs's.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A kernel registration (`tf.KernelConfig`), as far as a backend package touches it. */
export interface _KernelConfig {
  kernelName: string;
  backendName: string;
  kernelFunc: unknown;
  setupFunc?: unknown;
  disposeFunc?: unknown;
}

/** A kernel backend (`tf.KernelBackend`), opaque. */
export type _KernelBackend = object;

export const _findBackendFactory = (name: string): (() => _KernelBackend | Promise<_KernelBackend>) | null => tf.findBackendFactory(name);
export const _registerBackend = (name: string, factory: () => _KernelBackend | Promise<_KernelBackend>, priority?: number): boolean =>
  tf.registerBackend(name, factory as () => tf.KernelBackend | Promise<tf.KernelBackend>, priority);
export const _removeBackend = (name: string): void => tf.removeBackend(name);
export const _getKernel = (kernelName: string, backendName: string): _KernelConfig | undefined => tf.getKernel(kernelName, backendName) as _KernelConfig | undefined;
export const _registerKernel = (config: _KernelConfig): void => tf.registerKernel(config as unknown as tf.KernelConfig);
export const _unregisterKernel = (kernelName: string, backendName: string): void => tf.unregisterKernel(kernelName, backendName);
/** tfjs's flags (`tf.env()`): `get`, `set`. */
export const _tfjsEnv = (): { get(flag: string): unknown; set(flag: string, value: unknown): void } =>
  tf.env() as unknown as { get(flag: string): unknown; set(flag: string, value: unknown): void };
