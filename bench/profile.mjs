/**
 * Where one step's time goes: per tfjs kernel and per Flint op, calls and total ms, and the step's
 * convolution and matMul FLOPs against the kernel floor measured in the same process.
 *
 *   pnpm run build && node bench/profile.mjs W3            # ResNet-18 training step (W1–W4)
 *   node bench/profile.mjs W3 --steps 3 --warmup 2 --top 25
 *   node bench/profile.mjs W3 --detail        # also per kernel call site: kernel, Flint op, shapes, attrs
 *
 * Every kernel call goes through tfjs's engine (`runKernel`), which is wrapped here: a call's time
 * is wall time around it (WASM kernels are synchronous), and it is charged to the Flint op that
 * made it (the outermost @flint/tensor frame of the innermost run of them on the stack: `conv2d`,
 * `linear`, `add`, ...). FLOPs count the multiply-adds of Conv2D, FusedConv2D, DepthwiseConv2dNative,
 * Conv2DBackpropInput, BatchMatMul and _FusedMatMul as 2 each. The floor is those FLOPs at the
 * best rate the same kernels reach on well-shaped problems (a 512³ matMul and a 64-channel 3×3
 * conv), measured first.
 */
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getNumThreads, threadsReady } from '@flint/tensor';
import { workloads } from './workloads/flint-steps.mjs';

const { values: cli, positionals } = parseArgs({
  allowPositionals: true,
  options: { steps: { type: 'string', default: '2' }, warmup: { type: 'string', default: '2' }, top: { type: 'string', default: '20' }, detail: { type: 'boolean', default: false } },
});
const name = positionals[0] ?? 'W3';
if (!workloads[name]) throw new Error(`profile.mjs: unknown workload ${name} (${Object.keys(workloads).join(', ')})`);

// The tfjs-core instance Flint uses (resolved from @flint/tensor's own dependencies).
const tensorDir = dirname(fileURLToPath(import.meta.resolve('@flint/tensor')));
const tf = await import(pathToFileURL(createRequire(join(tensorDir, 'index.js')).resolve('@tensorflow/tfjs-core')).href);
const engine = tf.engine();

/** FLOPs of one kernel call (0 for kernels that are not convolutions or matMuls). */
function flopsOf(kernel, inputs, attrs, out) {
  const shape = (t) => t?.shape ?? [];
  const prod = (a) => a.reduce((p, d) => p * d, 1);
  const o = Array.isArray(out) ? out[0] : out;
  switch (kernel) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, cin] = shape(inputs.filter);
      return 2 * prod(shape(o)) * kh * kw * cin; // output N·Ho·Wo·O, each a kh·kw·Cin dot product
    }
    case 'DepthwiseConv2dNative': {
      const [kh, kw] = shape(inputs.filter);
      return 2 * prod(shape(o)) * kh * kw;
    }
    case 'Conv2DBackpropInput': {
      const [kh, kw, , cout] = shape(inputs.filter);
      return 2 * prod(shape(o)) * kh * kw * cout;
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const a = shape(inputs.a);
      const k = attrs?.transposeA ? a[a.length - 2] : a[a.length - 1];
      return 2 * prod(shape(o)) * k;
    }
    default:
      return 0;
  }
}

const FLINT_FRAME = /[\\/](?:@flint|packages)[\\/]tensor[\\/]/;
const TFJS_FRAME = /[\\/]@tensorflow[\\/]|node:internal|\(native\)/;
/** The Flint op on the stack: the outermost @flint/tensor frame below the op's caller (tfjs frames in between are skipped). */
function flintOp() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  const frames = new Error().stack.split('\n').slice(2);
  Error.stackTraceLimit = limit;
  let op = '';
  for (const f of frames) {
    if (!FLINT_FRAME.test(f)) {
      if (op && !TFJS_FRAME.test(f)) break;
      continue;
    }
    const fn = (/at (?:new )?([\w$.<> ]+?) \(/.exec(f)?.[1] ?? '').replace(/^(Tensor|Object)\./, '');
    if (fn && !fn.startsWith('get ') && !fn.startsWith('_') && !fn.includes('.')) op = fn;
  }
  return op || '(outside ops)';
}

let recording = false;
const byKernel = new Map();
const byOp = new Map();
const bySite = new Map();
/** A kernel call's site for `--detail`: kernel, Flint op, input shapes and the attrs that shape the work. */
function siteOf(kernel, op, inputs, attrs) {
  const shapes = Object.values(inputs ?? {}).map((t) => `[${t?.shape?.join('x') ?? ''}]`).join(' ');
  const keep = ['perm', 'strides', 'pad', 'dilations', 'axis', 'transposeA', 'transposeB'];
  const a = keep.filter((k) => attrs?.[k] !== undefined).map((k) => `${k}=${JSON.stringify(attrs[k])}`).join(' ');
  return `${kernel} · ${op} · ${shapes}${a ? ' · ' + a : ''}`;
}
const add = (map, key, ms, flops) => {
  const e = map.get(key) ?? { calls: 0, ms: 0, flops: 0 };
  e.calls++;
  e.ms += ms;
  e.flops += flops;
  map.set(key, e);
};
const runKernel = engine.runKernel.bind(engine);
engine.runKernel = (kernel, inputs, attrs) => {
  if (!recording) return runKernel(kernel, inputs, attrs);
  const op = flintOp();
  const t0 = performance.now();
  const out = runKernel(kernel, inputs, attrs);
  const ms = performance.now() - t0;
  const flops = flopsOf(kernel, inputs, attrs, out);
  add(byKernel, kernel, ms, flops);
  add(byOp, op, ms, flops);
  if (cli.detail) add(bySite, siteOf(kernel, op, inputs, attrs), ms, flops);
  return out;
};

/** Best GFLOP/s of the matMul and conv kernels on well-shaped problems, in this process. */
function kernelPeak() {
  const rate = (flops, f) => {
    f();
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      f();
      best = Math.min(best, performance.now() - t0);
    }
    return flops / best / 1e6;
  };
  const a = tf.randomNormal([512, 512]);
  const x = tf.randomNormal([16, 32, 32, 64]);
  const w = tf.randomNormal([3, 3, 64, 64]);
  const mm = rate(2 * 512 ** 3, () => tf.matMul(a, a).dataSync());
  const conv = rate(2 * 16 * 32 * 32 * 64 * 9 * 64, () => tf.conv2d(x, w, 1, 'same').dataSync());
  tf.dispose([a, x, w]);
  return { mm, conv, best: Math.max(mm, conv) };
}

// The default thread count starts in the background: profile on the count the workload gets.
await threadsReady();
const peak = kernelPeak();
const step = workloads[name]();
for (let i = 0; i < Number(cli.warmup); i++) step();
const steps = Number(cli.steps);
// Step time without the profiler's bookkeeping, then the same steps recorded.
let t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const stepMs = (performance.now() - t0) / steps;
recording = true;
t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const profiledMs = (performance.now() - t0) / steps;
recording = false;

const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0) / steps;
const flops = [...byKernel.values()].reduce((s, e) => s + e.flops, 0) / steps;
const floorMs = flops / (peak.best * 1e6);
const top = Number(cli.top);
const table = (title, map) => {
  console.log(`\n${title} (share of kernel time)\n| ${title.split(' ')[1]} | calls | ms | share | GFLOP/s |\n| --- | --- | --- | --- | --- |`);
  for (const [k, e] of [...map.entries()].sort((p, q) => q[1].ms - p[1].ms).slice(0, top)) {
    const ms = e.ms / steps;
    const gflops = e.flops > 0 ? (e.flops / e.ms / 1e6).toFixed(1) : '';
    console.log(`| ${k} | ${(e.calls / steps).toFixed(0)} | ${ms.toFixed(1)} | ${((100 * ms) / total).toFixed(1)} % | ${gflops} |`);
  }
};
console.log(
  `${name}: ${stepMs.toFixed(1)} ms per step (mean of ${steps}); profiled ${profiledMs.toFixed(1)} ms, of which kernels ${total.toFixed(1)} ms ` +
    `(the rest, ${(profiledMs - total).toFixed(1)} ms, is outside kernels plus the profiler's stack walks)`,
);
console.log(
  `${getNumThreads()} thread(s); FLOPs ${(flops / 1e9).toFixed(2)} G per step; kernel peak ${peak.best.toFixed(1)} GFLOP/s (matMul ${peak.mm.toFixed(1)}, conv ${peak.conv.toFixed(1)}) ` +
    `→ floor ${floorMs.toFixed(1)} ms; step ÷ floor ${(stepMs / floorMs).toFixed(2)}×`,
);
table('per kernel', byKernel);
table('per Flint-op', byOp);
if (cli.detail) table('per call-site', bySite);
