import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from './backend.js';
import { tensor } from './creation.js';

describe('the cpu backend is imported on first use', () => {
  it("is not registered until setBackend('cpu'), which imports it", async () => {
    expect(getBackend()).toBe('wasm');
    expect(tf.findBackendFactory('cpu')).toBeNull();
    await setBackend('cpu');
    expect(getBackend()).toBe('cpu');
    expect(tensor([1, 2, 3]).sum().item()).toBe(6);
    await setBackend('wasm');
    expect(getBackend()).toBe('wasm');
  });
});
