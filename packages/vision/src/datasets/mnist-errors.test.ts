/** MNIST: named errors for bad roots, files and indices; torchvision's positional form and layout. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader } from '@flint/data';
import type { Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { MNIST } from './mnist.js';

function idxImages(n: number): Uint8Array {
  const bytes = new Uint8Array(16 + n * 784);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x803);
  view.setUint32(4, n);
  view.setUint32(8, 28);
  view.setUint32(12, 28);
  for (let k = 0; k < n; k++) bytes.fill(k, 16 + k * 784, 16 + (k + 1) * 784);
  return bytes;
}
function idxLabels(labels: number[]): Uint8Array {
  const bytes = new Uint8Array(8 + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x801);
  view.setUint32(4, labels.length);
  bytes.set(labels, 8);
  return bytes;
}
function folder(files: Record<string, Uint8Array | 'dir'>, sub = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'flint-mnist-err-'));
  const dir = join(root, sub);
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    if (bytes === 'dir') mkdirSync(join(dir, name));
    else writeFileSync(join(dir, name), bytes);
  }
  return root;
}

const TRAIN = { 'train-images-idx3-ubyte': idxImages(3), 'train-labels-idx1-ubyte': idxLabels([4, 7, 1]) };
const TEST = { 't10k-images-idx3-ubyte': idxImages(2), 't10k-labels-idx1-ubyte': idxLabels([0, 9]) };

describe('MNIST: bad roots and files', () => {
  it('a directory where an idx file is expected', () => {
    const root = folder({ 'train-images-idx3-ubyte': 'dir', 'train-labels-idx1-ubyte': idxLabels([1]) });
    expect(() => new MNIST({ root })).toThrow(
      `MNIST: ${root}/train-images-idx3-ubyte is a directory, but it should be the idx file train-images-idx3-ubyte (or train-images-idx3-ubyte.gz)`,
    );
  });

  it('a missing file, a missing root, a root that is a file', () => {
    const root = folder({ 'train-images-idx3-ubyte': idxImages(1) });
    expect(() => new MNIST({ root })).toThrow(`MNIST: train-labels-idx1-ubyte: file not found (looked for ${root}/train-labels-idx1-ubyte and ${root}/train-labels-idx1-ubyte.gz)`);
    expect(() => new MNIST({ root: join(root, 'nope') })).toThrow(`MNIST: root folder ${join(root, 'nope')} does not exist`);
    const file = join(root, 'train-images-idx3-ubyte');
    expect(() => new MNIST({ root: file })).toThrow(`MNIST: root ${file} is a file, not a folder`);
    expect(() => new MNIST({ root: 42 as never })).toThrow('MNIST: root must be a folder path (got number 42)');
    expect(() => new (MNIST as unknown as new () => MNIST)()).toThrow('MNIST: missing the root folder');
  });

  it("reads torchvision's layout root/MNIST/raw", () => {
    const root = folder({ ...TRAIN, ...TEST }, 'MNIST/raw');
    expect(new MNIST({ root }).length).toBe(3);
    expect(new MNIST({ root, train: false }).length).toBe(2);
  });
});

describe('MNIST: indices', () => {
  const ds = new MNIST({ root: folder({ ...TRAIN, ...TEST }) });

  it('a string, a fraction or an out-of-range index is a named error; negative counts from the end', () => {
    expect(() => ds.get('1' as never)).toThrow("MNIST: index must be an integer (got string '1')");
    expect(() => ds.get(0.5)).toThrow('MNIST: index must be an integer (got number 0.5)');
    expect(() => ds.get(3)).toThrow('MNIST: index 3 is out of range for dataset of length 3');
    expect(() => ds.get(-4)).toThrow('MNIST: index -4 is out of range for dataset of length 3');
    expect(ds.get(-1)[1]).toBe(1);
    expect(() => ds.getBatch(Int32Array.from([0, 5]))).toThrow('MNIST: index 5 is out of range for dataset of length 3');
  });
});

describe("MNIST: torchvision's arguments, positional or options", () => {
  const root = folder({ ...TRAIN, ...TEST });

  it('(root, train, transform, targetTransform) = (root, { … }) = ({ root, … })', () => {
    const scale = (x: Tensor) => x.div(255);
    const a = new MNIST(root, false, scale);
    const b = new MNIST(root, { train: false, transform: scale });
    const c = new MNIST({ root, train: false, transform: scale });
    for (const ds of [a, b, c]) {
      expect(ds.length).toBe(2);
      expect(ds.get(1)[1]).toBe(9);
      expect(ds.get(1)[0].max().item()).toBeCloseTo(1 / 255, 6);
    }
  });

  it('targetTransform applies per sample and per batch', () => {
    const ds = new MNIST(root, true, null, (t: number) => t * 10);
    expect(ds.get(1)[1]).toBe(70);
    const [, y] = [...new DataLoader(ds, { batchSize: 3 })][0]!;
    expect(y.tolist()).toEqual([40, 70, 10]);
    expect(y.dtype).toBe('int32');
    const half = new MNIST(root, { targetTransform: (t: number) => t / 2 });
    const [, yh] = [...new DataLoader(half, { batchSize: 3 })][0]!;
    expect(yh.dtype).toBe('float32');
    expect(yh.tolist()).toEqual([2, 3.5, 0.5]);
    expect(() => new MNIST(root, { targetTransform: () => 'x' as never }).get(0)).toThrow("MNIST: targetTransform must return a number (got string 'x' for label 4)");
  });

  it('bad options are named', () => {
    expect(() => new MNIST(root, { tain: false } as never)).toThrow("MNIST: got an unexpected option 'tain'; its options are root, train, transform, targetTransform, download");
    expect(() => new MNIST(root, 'yes' as never)).toThrow("MNIST: train must be a boolean (got string 'yes')");
    expect(() => new MNIST({ root, transform: 3 as never })).toThrow('MNIST: transform must be a function (got number 3)');
    expect(() => new MNIST(root, true, undefined, undefined, { train: false } as never)).toThrow("MNIST: got multiple values for argument 'train'");
  });

  it('fromBuffers takes Uint8Array or ArrayBuffer and names anything else', () => {
    const images = idxImages(2);
    const ds = MNIST.fromBuffers(images.buffer as ArrayBuffer, idxLabels([3, 5]), false);
    expect(ds.get(1)[1]).toBe(5);
    expect(ds.train).toBe(false);
    expect(() => MNIST.fromBuffers([1, 2] as never, idxLabels([1]))).toThrow('MNIST.fromBuffers: images must be a Uint8Array or ArrayBuffer holding the idx file (got Array)');
  });
});
