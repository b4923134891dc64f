/**
 * @internal Loops tfjs-wasm lacks, on its heap, as a tiny WebAssembly SIMD module that imports
 * tfjs-wasm's own memory. tfjs-wasm has no kernel that updates a tensor in place or fuses
 * `a·x + y`, so an optimizer step is four kernel passes per parameter, each writing a new tensor;
 * the updates here do it in one pass, without allocating. The other passes replace chains of
 * kernels, or kernels that wait on tfjs-wasm's thread pool, the same way:
 *
 * - `momentum(p, buf, g, n, μ, b, a)`: `buf = μ·buf + b·g; p = p + a·buf` (SGD with momentum:
 *   `a = -lr`, `b = 1 - dampening`);
 * - `axpy(y, x, n, a)`: `y = y + a·x`;
 * - `scaleAdd(y, x, n, a, b)`: `y = y·a + x·b` (batch norm's running statistics);
 * - `adam(…)`: Adam's and AdamW's step (below);
 * - `channelStats`, `channelGradSums`, `channelAffine`: batch norm's per-channel passes
 *   (`channel-kernels.ts`);
 * - `gatherTaps`: some taps of every filter plane (a convolution's landing taps, `conv-window.ts`);
 * - `relu`, `reluBackward`: ReLU and its gradient (`activation-kernels.ts`);
 * - `sumMiddle`: a sum over a middle axis (`reduce-kernels.ts`);
 * - `transpose(src, dst, rows, cols, ds)`: a tiled matrix transpose of the matrix's `rows & ~3` by
 *   `cols & ~3` corner, its output rows in order or reversed (tfjs-wasm's Transpose is 4–8×
 *   slower on weight-sized and activation-sized matrices).
 *
 * Pointers are byte offsets into the heap, `n` counts float32 elements. Every product and sum of
 * the elementwise passes is rounded as tfjs's separate Multiply and Add kernels round it (WASM has
 * no fused multiply-add), so their results are bit-identical to the kernel passes they replace;
 * batch norm's per-channel sums run in four lanes (float32 rounding apart from tfjs's Sum).
 *
 * The module is assembled here from its instructions (no binary is fetched): for the updates, a
 * 4-lane loop over `n & ~3` elements, then a scalar loop over the rest.
 */

import { heapMemory } from './heap.js';
import { reluBackwardBody, reluBody } from './activation-kernels.js';
import { sumMiddleBody } from './reduce-kernels.js';
import { channelAffineBody, channelGradSumsBody, channelStatsBody } from './channel-kernels.js';
import { OP, SIMD, T, addLocal, addTo, at, bounds, fLoad, forLoop, get, localDecls, section, set, str, uleb, v128, vLoad, vec, whileBelow } from './wasm-assembler.js';

/** momentum(p, buf, g, n, mu, b, a); locals i=7, end4=8, end=9 (i32), vmu=10, vb=11, va=12, nb=13 (v128), s=14 (f32). */
function momentumBody(): number[] {
  const [p, buf, g, n, mu, b, a, i, end4, end, vmu, vb, va, nb, s] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const splat = (from: number, to: number) => [...get(from), ...v128(SIMD.splat), ...set(to)];
  const lanes = [
    // nb = mu·buf[i] + b·g[i]; buf[i] = nb; p[i] = p[i] + a·nb
    ...vLoad(buf, i), ...get(vmu), ...v128(SIMD.mul), ...vLoad(g, i), ...get(vb), ...v128(SIMD.mul), ...v128(SIMD.add), ...set(nb),
    ...at(buf, i), ...get(nb), ...v128(SIMD.store), 4, 0,
    ...at(p, i), ...vLoad(p, i), ...get(nb), ...get(va), ...v128(SIMD.mul), ...v128(SIMD.add), ...v128(SIMD.store), 4, 0,
  ];
  const scalar = [
    ...fLoad(buf, i), ...get(mu), OP.f32Mul, ...fLoad(g, i), ...get(b), OP.f32Mul, OP.f32Add, ...set(s),
    ...at(buf, i), ...get(s), OP.f32Store, 2, 0,
    ...at(p, i), ...fLoad(p, i), ...get(s), ...get(a), OP.f32Mul, OP.f32Add, OP.f32Store, 2, 0,
  ];
  const locals = localDecls([[3, T.i32], [4, T.v128], [1, T.f32]]);
  const code = [...splat(mu, vmu), ...splat(b, vb), ...splat(a, va), ...bounds(n, i, end4, end), ...forLoop(i, end4, 16, lanes), ...forLoop(i, end, 4, scalar), OP.end];
  return [...locals, ...code];
}

/** axpy(y, x, n, a); locals i=4, end4=5, end=6 (i32), va=7 (v128). */
function axpyBody(): number[] {
  const [y, x, n, a, i, end4, end, va] = [0, 1, 2, 3, 4, 5, 6, 7];
  const lanes = [...at(y, i), ...vLoad(y, i), ...vLoad(x, i), ...get(va), ...v128(SIMD.mul), ...v128(SIMD.add), ...v128(SIMD.store), 4, 0];
  const scalar = [...at(y, i), ...fLoad(y, i), ...fLoad(x, i), ...get(a), OP.f32Mul, OP.f32Add, OP.f32Store, 2, 0];
  const locals = localDecls([[3, T.i32], [1, T.v128]]);
  const code = [...get(a), ...v128(SIMD.splat), ...set(va), ...bounds(n, i, end4, end), ...forLoop(i, end4, 16, lanes), ...forLoop(i, end, 4, scalar), OP.end];
  return [...locals, ...code];
}

/** scaleAdd(y, x, n, a, b); locals i=5, end4=6, end=7 (i32), va=8, vb=9 (v128). */
function scaleAddBody(): number[] {
  const [y, x, n, a, b, i, end4, end, va, vb] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const lanes = [...at(y, i), ...vLoad(y, i), ...get(va), ...v128(SIMD.mul), ...vLoad(x, i), ...get(vb), ...v128(SIMD.mul), ...v128(SIMD.add), ...v128(SIMD.store), 4, 0];
  const scalar = [...at(y, i), ...fLoad(y, i), ...get(a), OP.f32Mul, ...fLoad(x, i), ...get(b), OP.f32Mul, OP.f32Add, OP.f32Store, 2, 0];
  const splats = [...get(a), ...v128(SIMD.splat), ...set(va), ...get(b), ...v128(SIMD.splat), ...set(vb)];
  const code = [...splats, ...bounds(n, i, end4, end), ...forLoop(i, end4, 16, lanes), ...forLoop(i, end, 4, scalar), OP.end];
  return [...localDecls([[3, T.i32], [2, T.v128]]), ...code];
}

/**
 * adam(p, m, v, g, n, β1, 1-β1, β2, 1-β2, √(1-β2ᵗ), ε, -lr/(1-β1ᵗ), decay), in PyTorch's order of
 * operations: `m = m·β1 + g·(1-β1); v = v·β2 + (g·(1-β2))·g;
 * p = p·decay + (m / (√v / √(1-β2ᵗ) + ε))·(-lr/(1-β1ᵗ))` (`decay = 1 - lr·λ` for AdamW, else 1).
 * Params 5–12 are f32; locals i=13, end4=14, end=15 (i32), 16–23 the splatted params, g=24, m=25,
 * v=26 (v128), and 27–29 their scalar forms (f32).
 */
function adamBody(): number[] {
  const [p, m, v, g, n, i, end4, end] = [0, 1, 2, 3, 4, 13, 14, 15];
  const param = (k: number) => 5 + k; // b1, omb1, b2, omb2, bc2, eps, neg, decay
  /** One element (`lanes` 4 at a time through v128 locals, else f32) of the update. */
  const step = (lanes: boolean) => {
    const x = lanes ? { g: 24, m: 25, v: 26 } : { g: 27, m: 28, v: 29 };
    const k = (j: number) => get(lanes ? 16 + j : param(j));
    const op = (simd: readonly number[], scalar: number) => (lanes ? v128(simd) : [scalar]);
    const [mul, add, div, sqrt] = [op(SIMD.mul, OP.f32Mul), op(SIMD.add, OP.f32Add), op(SIMD.div, OP.f32Div), op(SIMD.sqrt, OP.f32Sqrt)];
    const load = (base: number) => (lanes ? vLoad(base, i) : fLoad(base, i));
    const store = lanes ? [...v128(SIMD.store), 4, 0] : [OP.f32Store, 2, 0];
    return [
      ...load(g), ...set(x.g),
      ...load(m), ...k(0), ...mul, ...get(x.g), ...k(1), ...mul, ...add, ...set(x.m),
      ...at(m, i), ...get(x.m), ...store,
      ...load(v), ...k(2), ...mul, ...get(x.g), ...k(3), ...mul, ...get(x.g), ...mul, ...add, ...set(x.v),
      ...at(v, i), ...get(x.v), ...store,
      ...at(p, i), ...load(p), ...k(7), ...mul,
      ...get(x.m), ...get(x.v), ...sqrt, ...k(4), ...div, ...k(5), ...add, ...div, ...k(6), ...mul, ...add, ...store,
    ];
  };
  const splats = Array.from({ length: 8 }, (_, j) => [...get(param(j)), ...v128(SIMD.splat), ...set(16 + j)]).flat();
  const locals = localDecls([[3, T.i32], [11, T.v128], [3, T.f32]]);
  const code = [...splats, ...bounds(n, i, end4, end), ...forLoop(i, end4, 16, step(true)), ...forLoop(i, end, 4, step(false)), OP.end];
  return [...locals, ...code];
}

/**
 * transpose(src, dst, rows, cols, ds): `dst [cols, rows] = srcᵀ` for a row-major `src [rows, cols]`,
 * where output row `j` starts at byte `dst + j·ds` (`ds = 4·rows`; negative from the last row for
 * the rows in reverse order), over the `rows & ~3` by `cols & ~3` corner only (the caller copies
 * the rest): 4×4 blocks, each four row loads, eight lane shuffles and four column stores, walked in
 * 32×32 tiles so both sides stay in cache (in ResNet-18's training step, 8×8 and 16×16 tiles took
 * 30 % longer, 64×64 50 %). Locals i0=5, j0=6, iend=7, jend=8, i=9, j=10, s=11, d=12, ss=13,
 * rows4=14, cols4=15 (i32); r0–r3=16–19, t0–t3=20–23 (v128).
 */
function transposeBody(): number[] {
  const [src, dst, rows, cols, ds, i0, j0, iend, jend, i, j, s, d, ss, rows4, cols4] = Array.from({ length: 16 }, (_, k) => k);
  const r = [16, 17, 18, 19];
  const t = [20, 21, 22, 23];
  const TILE = 32;
  /** `local[to] = min(local[from] + TILE, local[limit])`. */
  const tileEnd = (from: number, limit: number, to: number) => [
    ...get(from), OP.i32Const, ...uleb(TILE), OP.i32Add, ...get(limit),
    ...get(from), OP.i32Const, ...uleb(TILE), OP.i32Add, ...get(limit), OP.i32LtU, OP.select, ...set(to),
  ];
  /** `base + ((a·b + c) << 2)` for locals. */
  const addr = (base: number, a: number, b: number, c: number) => [...get(base), ...get(a), ...get(b), OP.i32Mul, ...get(c), OP.i32Add, OP.i32Const, 2, OP.i32Shl, OP.i32Add];
  /** `local[base] + k·local[stride]`. */
  const plus = (base: number, stride: number, k: number) => [...get(base), ...Array.from({ length: k }, () => [...get(stride), OP.i32Add]).flat()];
  /** Lanes of `a` (0–3) and `b` (4–7) as an `i8x16.shuffle`. */
  const shuffle = (a: number, b: number, lanes: number[]) => [...get(a), ...get(b), OP.simd, ...SIMD.shuffle, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];
  const store = (k: number, value: number[]) => [...plus(d, ds, k), ...value, ...v128(SIMD.store), 4, 0];
  const block = [
    ...addr(src, i, cols, j), ...set(s),
    // d = dst + j·ds + 4·i
    ...get(dst), ...get(j), ...get(ds), OP.i32Mul, OP.i32Add, ...get(i), OP.i32Const, 2, OP.i32Shl, OP.i32Add, ...set(d),
    ...r.flatMap((local, k) => [...plus(s, ss, k), ...v128(SIMD.load), 4, 0, ...set(local)]),
    // t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
    ...shuffle(r[0]!, r[1]!, [0, 4, 1, 5]), ...set(t[0]!),
    ...shuffle(r[0]!, r[1]!, [2, 6, 3, 7]), ...set(t[1]!),
    ...shuffle(r[2]!, r[3]!, [0, 4, 1, 5]), ...set(t[2]!),
    ...shuffle(r[2]!, r[3]!, [2, 6, 3, 7]), ...set(t[3]!),
    ...store(0, shuffle(t[0]!, t[2]!, [0, 1, 4, 5])),
    ...store(1, shuffle(t[0]!, t[2]!, [2, 3, 6, 7])),
    ...store(2, shuffle(t[1]!, t[3]!, [0, 1, 4, 5])),
    ...store(3, shuffle(t[1]!, t[3]!, [2, 3, 6, 7])),
    ...addTo(j, 4),
  ];
  const rowOfBlocks = [...get(j0), ...set(j), ...whileBelow(j, jend, block), ...addTo(i, 4)];
  const tile = [...tileEnd(j0, cols4, jend), ...get(i0), ...set(i), ...whileBelow(i, iend, rowOfBlocks), ...addTo(j0, TILE)];
  const band = [...tileEnd(i0, rows4, iend), OP.i32Const, 0, ...set(j0), ...whileBelow(j0, cols4, tile), ...addTo(i0, TILE)];
  const locals = localDecls([[11, T.i32], [8, T.v128]]);
  const down4 = (n: number, to: number) => [...get(n), OP.i32Const, 0x7c /* -4 */, OP.i32And, ...set(to)];
  const code = [
    ...down4(rows, rows4), ...down4(cols, cols4),
    ...get(cols), OP.i32Const, 2, OP.i32Shl, ...set(ss),
    OP.i32Const, 0, ...set(i0), ...whileBelow(i0, rows4, band), OP.end,
  ];
  return [...locals, ...code];
}

/**
 * gatherTaps(src, dst, planes, planeBytes, tapBytes, at): for each of `planes` runs of
 * `planeBytes` at `src`, the f32 values at the `tapBytes / 4` byte offsets listed (as i32) at
 * `at`, written one after another from `dst`. Locals p=6, base=7, d=8, k=9 (i32).
 */
function gatherTapsBody(): number[] {
  const [src, dst, planes, planeBytes, tapBytes, at_, p, base, d, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const tap = [
    ...get(d), ...get(base), ...get(at_), ...get(k), OP.i32Add, OP.i32Load, 2, 0, OP.i32Add, OP.f32Load, 2, 0, OP.f32Store, 2, 0,
    ...addTo(d, 4), ...addTo(k, 4),
  ];
  const plane = [OP.i32Const, 0, ...set(k), ...whileBelow(k, tapBytes, tap), ...addLocal(base, planeBytes), ...addTo(p, 1)];
  const code = [...get(src), ...set(base), ...get(dst), ...set(d), OP.i32Const, 0, ...set(p), ...whileBelow(p, planes, plane), OP.end];
  return [...localDecls([[4, T.i32]]), ...code];
}

const [I, F] = [T.i32, T.f32];
/** The exported functions: name, parameter types (no results), body. */
const functions: [string, number[], () => number[]][] = [
  ['momentum', [I, I, I, I, F, F, F], momentumBody],
  ['axpy', [I, I, I, F], axpyBody],
  ['scaleAdd', [I, I, I, F, F], scaleAddBody],
  ['transpose', [I, I, I, I, I], transposeBody],
  ['gatherTaps', [I, I, I, I, I, I], gatherTapsBody],
  ['adam', [I, I, I, I, I, F, F, F, F, F, F, F, F], adamBody],
  ['channelStats', [I, I, I, I, F, I, I], channelStatsBody],
  ['channelGradSums', [I, I, I, I, I, I, I, I], channelGradSumsBody],
  ['channelAffine', [I, I, I, I, I, I, I, I, I, I], channelAffineBody],
  ['relu', [I, I, I], reluBody],
  ['sumMiddle', [I, I, I, I, I], sumMiddleBody],
  ['reluBackward', [I, I, I, I], reluBackwardBody],
];

/** The module's bytes; `shared` for the threaded build's shared memory. */
function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  // One type per function (the binary format allows repeats).
  const types = vec(functions.map(([, params]) => [T.func, ...vec(params.map((t) => [t])), 0]));
  // env.memory: at least 1 page, at most 65536 (4 GiB), shared or not.
  const memory = [...str('env'), ...str('memory'), 0x02, shared ? 0x03 : 0x01, ...uleb(1), ...uleb(65536)];
  const bodies = functions.map(([, , body]) => body()).map((b) => [...uleb(b.length), ...b]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, vec([memory])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map(([name], i) => [...str(name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}

export interface HeapKernels {
  momentum(p: number, buf: number, g: number, n: number, mu: number, b: number, a: number): void;
  axpy(y: number, x: number, n: number, a: number): void;
  scaleAdd(y: number, x: number, n: number, a: number, b: number): void;
  transpose(src: number, dst: number, rows: number, cols: number, ds: number): void;
  gatherTaps(src: number, dst: number, planes: number, planeBytes: number, tapBytes: number, at: number): void;
  adam(p: number, m: number, v: number, g: number, n: number, b1: number, omb1: number, b2: number, omb2: number, bc2: number, eps: number, neg: number, decay: number): void;
  channelStats(x: number, n: number, c: number, s: number, m: number, mean: number, variance: number): void;
  channelGradSums(g: number, x: number, n: number, c: number, s: number, mean: number, sumG: number, sumGD: number): void;
  channelAffine(x: number, g: number, out: number, n: number, c: number, s: number, mean: number, a: number, b: number, k: number): void;
  relu(x: number, out: number, n: number): void;
  sumMiddle(x: number, out: number, a: number, r: number, b: number): void;
  reluBackward(g: number, y: number, out: number, n: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, HeapKernels | null>();

/** The kernels over the current WASM backend's memory, or `null` off WASM (or without SIMD). */
export function activeHeapKernels(): HeapKernels | null {
  const memory = heapMemory();
  return memory && heapKernels(memory);
}

/** The kernels over `memory` (instantiated once per memory), or `null` where WebAssembly SIMD is missing. */
export function heapKernels(memory: WebAssembly.Memory): HeapKernels | null {
  if (instances.has(memory)) return instances.get(memory)!;
  let kernels: HeapKernels | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(moduleBytes(shared));
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as HeapKernels;
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}
