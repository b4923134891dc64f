import { describe, expect, it } from 'vitest';
import { getBackend } from './backend.js';
import { setWasmPaths } from './wasm-paths.js';

describe('setWasmPaths', () => {
  it('in Node the import has already started WASM, so a late call is a clear error', () => {
    expect(getBackend()).toBe('wasm');
    expect(() => setWasmPaths('/wasm/')).toThrow('setWasmPaths: the WASM backend has already started; call setWasmPaths() before ready() or setBackend()');
  });
});
