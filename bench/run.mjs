/**
 * Flint's benchmarks: every workload against what a user would pick instead, in one run.
 *
 *   pnpm run bench                      # build, then every workload (≈ 8–10 min on 2 cores)
 *   node bench/run.mjs --only W1,D1     # some workloads (D1 D2 W1 W2 W3 W4 W6 soak W5)
 *   node bench/run.mjs --quick          # few reps, short soak, no W5: a smoke run (≈ 2–3 min)
 *   node bench/run.mjs --quick --mnist  # the smoke run plus W5 (MNIST time to 97.5%, ≈ 1 min)
 *
 * Each implementation runs in its own process (bench/workloads/*.mjs, bench/torch_bench.py), one
 * after another, so backends, memory and RSS never mix. Prints one table and writes JSON to
 * bench/results/latest.json (full default run) or bench/results/partial.json (--only / --quick).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const { values: cli } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    mnist: { type: 'boolean', default: false },
    out: { type: 'string' },
    python: { type: 'string', default: process.env.PYTHON ?? '/usr/bin/python3' },
  },
});

const ALL = ['D1', 'D2', 'W1', 'W2', 'W3', 'W4', 'W6', 'soak', 'W5'];
const selected = cli.only ? cli.only.split(',').map((s) => s.trim()) : ALL.filter((w) => w !== 'W5' || !cli.quick || cli.mnist);
for (const w of selected) if (!ALL.includes(w)) throw new Error(`run.mjs: unknown workload ${w} (known: ${ALL.join(' ')})`);

/** Timing per workload: [warmup, reps, budget seconds]; --quick shrinks them. */
const TIMING = {
  D1: [10, 50, 8],
  D2: [5, 30, 8],
  W1: [3, 20, 12],
  W2: [3, 15, 15],
  W3: [3, 10, 15],
  W4: [3, 15, 12],
  W6: [2, 8, 15],
};
const QUICK = [1, 3, 2];
const SOAK_STEPS = cli.quick ? 200 : 2000;

function timingArgs(workload) {
  const [warmup, reps, budget] = cli.quick ? QUICK : TIMING[workload];
  return ['--warmup', String(warmup), '--reps', String(reps), '--budget', String(budget)];
}

/** `fn()` with these environment variables set (for the child processes it starts). */
function withEnv(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs one child process and returns its BENCH_RESULT (or an error object). */
function runNode(script, workload, extra = [], timeoutMs = 300_000) {
  const args = [join(here, 'workloads', script), workload, ...(workload === 'soak' ? ['--steps', String(SOAK_STEPS)] : timingArgs(workload)), ...extra];
  return collect(process.execPath, args, /BENCH_RESULT (.*)$/m, timeoutMs);
}

/**
 * tfjs-layers on the 'cpu' backend needs minutes for one conv training step (its conv backprop
 * kernels are plain JS loops), so it gets one untimed-warm-up step under a deadline; a step that
 * does not finish is reported as "> deadline", which still bounds the ratio.
 */
const CPU_DEADLINE_S = cli.quick ? 20 : 60;
function runTfjsCpu(workload) {
  return runNode('tfjs.mjs', workload, ['--backend', 'cpu', '--warmup', '0', '--reps', '1', '--budget', '0'], CPU_DEADLINE_S * 1000);
}

/**
 * Flint on its webgpu backend (Dawn in Node): a warm-up step and up to two timed ones under a
 * deadline. Without a GPU Dawn runs on SwiftShader, a CPU rasteriser (~10 s for a W1 step here):
 * the row then reports SwiftShader, and on a machine with a GPU the same command reports the GPU.
 */
const WEBGPU_DEADLINE_S = cli.quick ? 60 : 240;
function runWebGPU(workload) {
  return runNode('flint.mjs', workload, ['--backend', 'webgpu', '--warmup', '1', '--reps', '2', '--budget', '0'], WEBGPU_DEADLINE_S * 1000);
}

/** tfjs-layers and Flint alternated in one process (same-process.mjs): tfjs's result, with Flint's median beside it. */
function runSameProcess(workload) {
  const r = runNode('same-process.mjs', workload);
  if (!r.results) return r;
  return { ...r.results['tfjs-layers'], backend: r.backend, flint_same_process_ms: r.results.flint.median_ms, wall_s: r.wall_s };
}

let torchChecked = null;
function torchAvailable() {
  if (torchChecked === null) {
    const r = spawnSync(cli.python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    torchChecked = r.status === 0 ? true : `skipped: ${cli.python} cannot import torch/torchvision`;
  }
  return torchChecked;
}

function runTorch(workload, threads) {
  const ok = torchAvailable();
  if (ok !== true) return { skipped: ok };
  const args = [join(here, 'torch_bench.py'), workload, '--threads', String(threads)];
  if (workload === 'soak') args.push('--steps', String(SOAK_STEPS));
  else args.push(...timingArgs(workload));
  return collect(cli.python, args, /^(\{.*\})\s*$/m);
}

function collect(cmd, args, pattern, timeoutMs = 300_000) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const wall_s = (performance.now() - t0) / 1000;
  if (r.error?.code === 'ETIMEDOUT') return { timeout_s: timeoutMs / 1000, wall_s };
  const m = r.stdout?.match(pattern);
  if (m) return { ...JSON.parse(m[1]), wall_s };
  const why = r.error?.message ?? (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' / ');
  return { error: why.slice(0, 300), wall_s };
}

/**
 * W5: the apps/mnist CLI (MLP, its defaults: SGD momentum, lr 0.05, batch 128, 3 epochs). It has
 * no stop-at-accuracy flag, so its per-epoch log lines are timestamped as they arrive; the time to
 * target is from process start (start-up and data loading included) to the first epoch whose test
 * accuracy is ≥ 97.5%, and the run is stopped there.
 */
const MNIST_TARGET = 0.975;
function runMnist() {
  const main = join(root, 'apps', 'mnist', 'dist', 'main.js');
  if (!existsSync(main)) return Promise.resolve({ error: 'apps/mnist/dist/main.js not found (pnpm run build first)' });
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [main, '--model', 'mlp'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const epochs = [];
    let tail = '';
    let reached = null;
    const deadline = setTimeout(() => child.kill(), 600_000);
    const onData = (chunk) => {
      tail += chunk.toString('utf8');
      const lines = tail.split(/[\r\n]/);
      tail = lines.pop();
      for (const line of lines) {
        const m = line.match(/^epoch (\d+)\/\d+: .*test acc ([0-9.]+)%/);
        if (!m) continue;
        const e = { epoch: Number(m[1]), test_accuracy: Number(m[2]) / 100, at_s: (performance.now() - t0) / 1000 };
        epochs.push(e);
        if (reached === null && e.test_accuracy >= MNIST_TARGET) {
          reached = e;
          child.kill();
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(deadline);
      const wall_s = (performance.now() - t0) / 1000;
      if (reached) resolve({ time_to_target_s: reached.at_s, epochs, wall_s });
      else if (epochs.length) resolve({ time_to_target_s: null, epochs, wall_s, best_accuracy: Math.max(...epochs.map((e) => e.test_accuracy)) });
      else resolve({ error: `apps/mnist exited with ${code}: ${tail.slice(-200)}`, wall_s });
    });
  });
}

// ---- run ------------------------------------------------------------------------------------------

const results = {};
const progress = (msg) => process.stderr.write(`${msg}\n`);
for (const w of selected) {
  const r = (results[w] = {});
  const step = async (label, fn) => {
    progress(`  ${w} ${label} …`);
    r[label] = await fn();
    const v = r[label];
    progress(`  ${w} ${label}: ${v.timeout_s ? `timed out after ${v.timeout_s} s` : v.error ? `error: ${v.error}` : v.skipped ?? (v.median_ms !== undefined ? `${v.median_ms.toFixed(2)} ms` : 'done')}`);
  };
  if (w === 'D1' || w === 'D2') {
    // Both in one process, interleaved: see workloads/dispatch.mjs.
    const both = runNode('dispatch.mjs', w);
    await step('flint', () => (both.results ? { ...both.results.flint, backend: both.backend } : both));
    await step('tfjs-core', () => (both.results ? { ...both.results['tfjs-core'], backend: both.tfjs_backend } : both));
  } else if (w === 'W5') {
    await step('flint', runMnist);
  } else if (w === 'soak') {
    await step('flint', () => runNode('flint.mjs', w));
    await step('torch-1t', () => runTorch(w, 1));
  } else {
    await step('flint', () => runNode('flint.mjs', w));
    await step('flint-1t', () => withEnv({ FLINT_NUM_THREADS: '1' }, () => runNode('flint.mjs', w)));
    if (['W1', 'W2', 'W3', 'W4'].includes(w)) await step('flint-webgpu', () => runWebGPU(w));
    if (w === 'W1' || w === 'W4') await step('tfjs-layers-wasm', () => runSameProcess(w));
    else if (w !== 'W6') await step('tfjs-layers-wasm', () => runNode('tfjs.mjs', w));
    if (w === 'W1') await step('js-pytorch', () => runNode('js-pytorch.mjs', w));
    if (w === 'W2' || w === 'W3') await step('tfjs-layers-cpu', () => runTfjsCpu(w));
    await step('torch-1t', () => runTorch(w, 1));
    await step('torch-2t', () => runTorch(w, 2));
  }
}

// ---- table ----------------------------------------------------------------------------------------

const ALT_NAMES = {
  'flint-1t': 'Flint on 1 thread (FLINT_NUM_THREADS=1)',
  'flint-webgpu': 'Flint on webgpu (Dawn)',
  'tfjs-core': 'tfjs-core 4.22 (wasm)',
  'tfjs-layers-wasm': 'tfjs-layers 4.22 (wasm)',
  'tfjs-layers-cpu': 'tfjs-layers 4.22 (cpu)',
  'js-pytorch': 'js-pytorch 0.7.2 (Adam)',
  'torch-1t': 'PyTorch CPU, 1 thread',
  'torch-2t': 'PyTorch CPU, 2 threads',
};
/** Goal per (workload, alternative): max allowed Flint/alternative time ratio, and its wording. */
function goalFor(w, alt) {
  if (w === 'D1') return { max: 1.3, text: '≤ 1.3×' };
  if (w === 'D2') return { max: 1.05, text: '≤ 1.05×' };
  if (alt === 'flint-1t') return { max: 1.05, text: '≤ 1.05× (the default is never slower than 1 thread)' };
  if (alt === 'flint-webgpu') return { text: '— (reported as measured)' };
  if (alt.startsWith('torch')) return { max: 4, text: '≤ 4× (within 4× of PyTorch)' };
  if (w === 'W1' && alt === 'tfjs-layers-wasm') return { max: 1 / 5, text: '≤ 0.2× (≥ 5× faster)' };
  if ((w === 'W2' || w === 'W3') && alt === 'tfjs-layers-cpu') return { max: 1 / 20, text: '≤ 0.05× (≥ 20× faster)' };
  if ((w === 'W2' || w === 'W3') && alt === 'tfjs-layers-wasm') return { trains: true, text: 'Flint trains on WASM' };
  if (w === 'W4' && alt === 'tfjs-layers-wasm') return { max: 1, text: '< 1× (faster)' };
  return { text: '—' };
}

const LABELS = {
  D1: 'D1: 1,000 elementwise ops on [64]',
  D2: 'D2: matmul 512×512',
  W1: 'W1: MLP 784-512-256-10, b128, train step',
  W2: 'W2: seed residual block, b16 64×32×32, train step',
  W3: 'W3: ResNet-18, b16 32×32, train step',
  W4: 'W4: ResNet-18 inference, b8 64×64',
  W6: 'W6: 2-layer LSTM 128→256, seq 64, b32, train step',
};

const ms = (v) => (v.median_ms === undefined ? null : v.median_ms);
const fmtMs = (x) => (x === null || x === undefined ? '—' : x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
const fmtMB = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
const describe = (v) => (v.timeout_s ? `> ${v.timeout_s} s (1 step did not finish)` : v.skipped ? v.skipped : v.error ? (/Conv2DBackpropFilter/.test(v.error) ? 'cannot train (Conv2DBackpropFilter not registered on wasm)' : `error: ${v.error}`) : fmtMs(ms(v)));

const rows = [];
for (const w of selected) {
  const r = results[w];
  const f = r.flint;
  const flintCell = f.error ? `error: ${f.error}` : fmtMs(ms(f)) + (f.backend && f.backend !== 'wasm' ? ` (${f.backend})` : '') + (f.threads > 1 ? ` (${f.threads} threads)` : '');
  if (w === 'soak') {
    const ok = !f.error && f.numBytes_at_100 === f.numBytes_end;
    rows.push({
      workload: `soak: ${f.steps ?? SOAK_STEPS} W1 steps, live bytes`,
      flint: f.error ? flintCell : `${fmtMB(f.numBytes_at_100)} @100 → ${fmtMB(f.numBytes_end)} @end`,
      alternative: 'itself at step 100',
      time: f.error ? '—' : `${f.numTensors_end} tensors at end`,
      ratio: f.error ? '—' : (f.numBytes_end / f.numBytes_at_100).toFixed(3),
      goal: 'equal',
      met: f.error ? 'no' : ok ? 'yes' : 'no',
    });
    const t = r['torch-1t'];
    rows.push({
      workload: 'soak: peak RSS',
      flint: f.error ? '—' : fmtMB(f.peak_rss_bytes),
      alternative: `${ALT_NAMES['torch-1t']} (same loop)`,
      time: t.skipped ?? t.error ?? fmtMB(t.maxrss_bytes),
      ratio: f.error || !t.maxrss_bytes ? '—' : `${(f.peak_rss_bytes / t.maxrss_bytes).toFixed(2)}×`,
      goal: '— (reported)',
      met: '—',
    });
    continue;
  }
  if (w === 'W5') {
    const last = f.epochs?.at(-1);
    rows.push({
      workload: 'W5: MNIST MLP (apps/mnist) to 97.5% test acc.',
      flint: f.error ? `error: ${f.error}` : f.time_to_target_s !== null ? `${f.time_to_target_s.toFixed(1)} s (epoch ${last.epoch}, ${(last.test_accuracy * 100).toFixed(2)}%)` : `not reached: best ${(f.best_accuracy * 100).toFixed(2)}% in ${f.wall_s.toFixed(0)} s`,
      alternative: '—',
      time: '—',
      ratio: '—',
      goal: 'reaches 97.5%',
      met: !f.error && f.time_to_target_s !== null ? 'yes' : 'no',
    });
    continue;
  }
  for (const [alt, v] of Object.entries(r)) {
    if (alt === 'flint') continue;
    const goal = goalFor(w, alt);
    const a = ms(v);
    // Measured in one process with Flint: the ratio is against Flint's time in that process.
    const fm = v.flint_same_process_ms ?? ms(f);
    // A timed-out alternative gives an upper bound on the ratio.
    const bound = v.timeout_s && fm !== null ? fm / (v.timeout_s * 1000) : null;
    const ratio = a !== null && fm !== null ? fm / a : bound;
    let met = '—';
    if (goal.trains) met = !f.error && f.backend === 'wasm' ? 'yes' : 'no';
    else if (f.error) met = 'no';
    else if (goal.max !== undefined && ratio !== null) met = ratio <= goal.max ? 'yes' : 'no';
    rows.push({
      workload: LABELS[w],
      flint: v.flint_same_process_ms === undefined ? flintCell : `${fmtMs(fm)} (same process)`,
      alternative: (ALT_NAMES[alt] ?? alt) + (v.adapter ? ` on ${v.adapter}` : '') + (v.flint_same_process_ms === undefined ? '' : ', same process, alternated'),
      time: describe(v),
      ratio: ratio === null ? '—' : `${bound !== null ? '< ' : ''}${ratio.toFixed(ratio < 0.1 ? 3 : 2)}×`,
      goal: goal.text,
      met,
    });
  }
}


const HEAD = ['workload', 'Flint', 'alternative', 'time', 'ratio Flint/alt', 'goal', 'met?'];
const KEYS = ['workload', 'flint', 'alternative', 'time', 'ratio', 'goal', 'met'];
const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[KEYS[i]]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const table = [line(HEAD), `|${widths.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map((row) => line(KEYS.map((k) => row[k])))].join('\n');
console.log(table);

const out = cli.out ?? join(here, 'results', cli.only || cli.quick ? 'partial.json' : 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg_at_end: os.loadavg() },
      workloads: selected,
      rows,
      results,
    },
    null,
    2,
  )}\n`,
);
progress(`wrote ${out}`);
