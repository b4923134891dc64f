/**
 * The zip container of `torch.save` (PyTorch's `PyTorchStreamReader` / `PyTorchStreamWriter`,
 * caffe2/serialize/inline_container.cc): read from the central directory, entries stored or
 * deflated (fflate inflates), zip64 included; written with fflate, entries stored.
 *
 * Reading is bounded: a deflated entry is inflated into a buffer of its declared size (so one that
 * inflates to more is refused, not grown), the declared sizes of everything inflated count against
 * `maxBytes`, and an entry that inflates to more than `maxRatio` times its compressed size (past
 * 1 MiB) is refused as a zip bomb. `torch.save` stores its entries, which cost nothing beyond the
 * input. CRC-32s are checked.
 */
import { inflateSync, zipSync, type Zippable } from 'fflate';

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipLimits {
  /** The most bytes deflated entries may inflate to, in total. */
  maxBytes: number;
  /** The largest inflated / compressed size ratio of an entry over 1 MiB. */
  maxRatio: number;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const BOMB_FLOOR = 2 ** 20;

/** A zip archive's entries by name; `read` returns one entry's bytes. */
export class ZipReader {
  readonly entries = new Map<string, Entry>();
  private inflated = 0;
  private readonly dv: DataView;

  constructor(
    private readonly data: Uint8Array,
    private readonly limits: ZipLimits,
    private readonly source: string,
  ) {
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.readDirectory();
  }

  private fail(msg: string): never {
    throw new ZipError(`${this.source}: ${msg}`);
  }

  private u16 = (at: number) => this.dv.getUint16(at, true);
  private u32 = (at: number) => this.dv.getUint32(at, true);
  private u64 = (at: number): number => {
    const v = this.dv.getBigUint64(at, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  };

  private readDirectory(): void {
    const d = this.data;
    let end = -1;
    for (let at = d.length - 22; at >= Math.max(0, d.length - 22 - 0xffff); at--) {
      if (this.u32(at) === END) {
        end = at;
        break;
      }
    }
    if (end < 0) this.fail(`truncated or damaged zip: no end-of-central-directory record in its ${d.length} bytes`);
    let count = this.u16(end + 10);
    let offset = this.u32(end + 16);
    if ((count === 0xffff || offset === 0xffffffff) && end >= 20 && this.u32(end - 20) === LOCATOR64) {
      const at = this.u64(end - 12);
      if (at + 56 > d.length || this.u32(at) !== END64) this.fail('truncated or damaged zip: bad zip64 end-of-central-directory record');
      count = this.u64(at + 32);
      offset = this.u64(at + 48);
    }
    let at = offset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > d.length || this.u32(at) !== CENTRAL) this.fail(`truncated or damaged zip: central directory entry ${i} of ${count} is missing`);
      const nameLen = this.u16(at + 28);
      const extraLen = this.u16(at + 30);
      const commentLen = this.u16(at + 32);
      if (at + 46 + nameLen + extraLen > d.length) this.fail(`truncated or damaged zip: central directory entry ${i} runs past the end`);
      const name = new TextDecoder().decode(d.subarray(at + 46, at + 46 + nameLen));
      const e: Entry = {
        name,
        flags: this.u16(at + 8),
        method: this.u16(at + 10),
        crc: this.u32(at + 16),
        compressedSize: this.u32(at + 20),
        size: this.u32(at + 24),
        headerOffset: this.u32(at + 42),
      };
      this.zip64Extra(e, at + 46 + nameLen, extraLen);
      this.entries.set(name, e);
      at += 46 + nameLen + extraLen + commentLen;
    }
  }

  /** The zip64 extra field (id 1) holds, in order, the 64-bit sizes and offset the entry marks 0xffffffff. */
  private zip64Extra(e: Entry, at: number, len: number): void {
    const stop = at + len;
    while (at + 4 <= stop) {
      const id = this.u16(at);
      const size = this.u16(at + 2);
      let p = at + 4;
      if (id === 1) {
        if (e.size === 0xffffffff && p + 8 <= stop) (e.size = this.u64(p)), (p += 8);
        if (e.compressedSize === 0xffffffff && p + 8 <= stop) (e.compressedSize = this.u64(p)), (p += 8);
        if (e.headerOffset === 0xffffffff && p + 8 <= stop) e.headerOffset = this.u64(p);
      }
      at += 4 + size;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The bytes of entry `name` (a view into the input when stored). */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) this.fail(`missing entry ${name}`);
    const d = this.data;
    const h = e.headerOffset;
    if (h + 30 > d.length || this.u32(h) !== LOCAL) this.fail(`truncated or damaged zip: the local header of ${name} (at byte ${h}) is missing`);
    if (e.flags & 1) this.fail(`${name} is encrypted`);
    const start = h + 30 + this.u16(h + 26) + this.u16(h + 28);
    const stop = start + e.compressedSize;
    if (stop > d.length) this.fail(`truncated zip: ${name} needs bytes ${start}..${stop} but the file has ${d.length}`);
    const packed = d.subarray(start, stop);
    let out: Uint8Array;
    if (e.method === 0) {
      if (e.size !== e.compressedSize) this.fail(`damaged zip: stored entry ${name} declares ${e.size} bytes but holds ${e.compressedSize}`);
      out = packed;
    } else if (e.method === 8) {
      out = this.inflate(e, packed);
    } else {
      this.fail(`${name} uses zip compression method ${e.method} (only stored and deflated entries are supported)`);
    }
    if (crc32(out) !== e.crc) this.fail(`damaged zip: the CRC-32 of ${name} does not match`);
    return out;
  }

  private inflate(e: Entry, packed: Uint8Array): Uint8Array {
    const { maxBytes, maxRatio } = this.limits;
    if (e.size > BOMB_FLOOR && e.size > maxRatio * Math.max(1, e.compressedSize)) {
      this.fail(
        `zip bomb refused: ${e.name} inflates ${e.compressedSize} bytes to ${e.size} (more than ${maxRatio} times; torch.save stores its entries uncompressed; raise maxRatio to load it)`,
      );
    }
    if (this.inflated + e.size > maxBytes) {
      this.fail(`zip bomb refused: inflating ${e.name} (${e.size} bytes) would pass the limit of ${maxBytes} inflated bytes (maxBytes)`);
    }
    this.inflated += e.size;
    let out: Uint8Array;
    try {
      // One byte of room past the declared size shows an entry that inflates to more than it says.
      out = inflateSync(packed, { out: new Uint8Array(e.size + 1) });
    } catch (err) {
      this.fail(`damaged zip: ${e.name} does not inflate (${(err as Error).message})`);
    }
    if (out.length > e.size) this.fail(`zip bomb refused: ${e.name} inflates to more than its declared ${e.size} bytes`);
    if (out.length < e.size) this.fail(`truncated or damaged zip: ${e.name} inflates to ${out.length} bytes, not its declared ${e.size}`);
    return out;
  }
}

/** A zip of stored entries, in the given order, with a fixed timestamp (the same input gives the same bytes). */
export function writeZip(entries: readonly [string, Uint8Array][]): Uint8Array {
  const files: Zippable = {};
  const mtime = new Date(1980, 0, 1);
  for (const [name, data] of entries) files[name] = [data, { level: 0, mtime }];
  return zipSync(files);
}

let CRC_TABLE: Int32Array | null = null;

/** CRC-32 (IEEE 802.3, zip's). */
export function crc32(data: Uint8Array): number {
  if (CRC_TABLE === null) {
    CRC_TABLE = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c;
    }
  }
  const t = CRC_TABLE;
  let c = -1;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
