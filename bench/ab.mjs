/**
 * A/B benchmark of Flint itself: the Flint side of W1–W4 (bench/workloads/flint.mjs) for two
 * checkouts, "before" (--base, e.g. a `git worktree` of an older commit) and "after" (this tree).
 *
 *   git worktree add /tmp/base <commit> && (cd /tmp/base && pnpm install --frozen-lockfile && pnpm run build)
 *   pnpm run build                                   # this tree's dist/ too
 *   node bench/ab.mjs                                # W1–W4, 5 rounds (≈ 5 min on 2 cores)
 *   node bench/ab.mjs --only W1,W4 --rounds 9 --base /tmp/base
 *
 * Every round runs each selected workload once per tree, in its own child process
 * (`node <tree>/bench/workloads/flint.mjs W …`, cwd <tree>), so each process imports its own
 * tree's packages/*\/dist and nothing is shared between them; the order of the two trees
 * alternates from round to round, so drifting load from other processes hits both alike. A child
 * does a few warm-up steps, then times a fixed number of steps (no time budget). A preload
 * (--import) reports the child's peak RSS (process.resourceUsage().maxRSS) and every Flint package
 * directory the child resolved, and a child that loaded a package from outside its own tree is an
 * error. Per workload it prints the median step time of each tree over all timed steps of all
 * rounds, the ratio after/before, the range of the per-round ratios, and the peak RSS; JSON goes to
 * bench/results/ab.json (rewritten after every round).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const { values: cli } = parseArgs({
  options: {
    base: { type: 'string', default: '/tmp/base' },
    after: { type: 'string', default: root },
    rounds: { type: 'string', default: '5' },
    only: { type: 'string', default: 'W1,W2,W3,W4' },
    warmup: { type: 'string' },
    reps: { type: 'string' },
    out: { type: 'string', default: join(here, 'results', 'ab.json') },
  },
});

/** Per workload: [warm-up steps, timed steps]. A W3 child is ≈ 12 steps × ~0.9 s + start-up. */
const STEPS = { W1: [5, 40], W2: [2, 12], W3: [2, 10], W4: [3, 30] };
const LABELS = {
  W1: 'W1 MLP train step',
  W2: 'W2 seed block train step',
  W3: 'W3 ResNet-18 train step',
  W4: 'W4 ResNet-18 inference',
};
const PACKAGES = ['autograd', 'nn', 'optim', 'tensor', 'vision'];
const CHILD_TIMEOUT_MS = 180_000;

const rounds = Number(cli.rounds);
const selected = cli.only.split(',').map((s) => s.trim()).filter(Boolean);
for (const w of selected) if (!STEPS[w]) throw new Error(`ab.mjs: unknown workload ${w} (known: ${Object.keys(STEPS).join(' ')})`);
if (!(rounds >= 1)) throw new Error(`ab.mjs: --rounds must be ≥ 1 (got ${cli.rounds})`);

const trees = { before: realpathSync(cli.base), after: realpathSync(cli.after) };
if (trees.before === trees.after) throw new Error(`ab.mjs: --base and --after are the same tree (${trees.before})`);

// ---- checks on the two trees ---------------------------------------------------------------------

const git = (dir, ...args) => {
  const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

function newestMtime(dir, skip = () => false) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skip(p)) continue;
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs);
  }
  return newest;
}

const warnings = [];
const treeInfo = {};
for (const [side, dir] of Object.entries(trees)) {
  const script = join(dir, 'bench', 'workloads', 'flint.mjs');
  if (!existsSync(script)) throw new Error(`ab.mjs: ${script} not found`);
  for (const p of PACKAGES) {
    const dist = join(dir, 'packages', p, 'dist', 'index.js');
    if (!existsSync(dist)) throw new Error(`ab.mjs: ${dist} not found (run pnpm run build in ${dir})`);
    const src = newestMtime(join(dir, 'packages', p, 'src'), (f) => /\.test\.ts$/.test(f));
    if (src > newestMtime(join(dir, 'packages', p, 'dist'))) warnings.push(`${side}: packages/${p}/src is newer than its dist/ (run pnpm run build in ${dir})`);
  }
  const dirty = git(dir, 'status', '--porcelain', '--untracked-files=no', '--', 'packages');
  treeInfo[side] = { dir, commit: git(dir, 'rev-parse', 'HEAD'), subject: git(dir, 'log', '-1', '--format=%s'), packages_dirty: Boolean(dirty) };
  if (dirty) warnings.push(`${side}: uncommitted changes under packages/ in ${dir}`);
}
for (const f of ['bench/workloads/flint.mjs', 'bench/lib/measure.mjs']) {
  if (readFileSync(join(trees.before, f), 'utf8') !== readFileSync(join(trees.after, f), 'utf8')) {
    warnings.push(`${f} differs between the trees: each child runs its own tree's copy`);
  }
}
for (const w of warnings) process.stderr.write(`warning: ${w}\n`);

// ---- the child preload -----------------------------------------------------------------------------

/** Resolve hook (loader thread): prints each Flint package directory the child resolves into. */
const HOOKS = `
import { writeSync } from 'node:fs';
const seen = new Set();
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /^file:\\/\\/(.*\\/packages\\/[^/]+)\\/dist\\//.exec(r.url);
  if (m && !seen.has(m[1])) { seen.add(m[1]); writeSync(2, 'AB_LOADED ' + decodeURIComponent(m[1]) + '\\n'); }
  return r;
}`;
const PRELOAD = `
import { register } from 'node:module';
import { writeSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
process.on('exit', () => writeSync(1, 'AB_RSS ' + process.resourceUsage().maxRSS + '\\n'));`;
const preloadArg = `--import=data:text/javascript,${encodeURIComponent(PRELOAD)}`;

/** One child: one tree, one workload. Returns { median_ms, times_ms, maxrss_kb, … } or { error }. */
function runChild(side, workload) {
  const dir = trees[side];
  const [warmup, reps] = [cli.warmup ?? STEPS[workload][0], cli.reps ?? STEPS[workload][1]].map(Number);
  const args = [preloadArg, join(dir, 'bench', 'workloads', 'flint.mjs'), workload, '--warmup', String(warmup), '--reps', String(reps), '--budget', '1000000'];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 << 20 });
  const wall_s = (performance.now() - t0) / 1000;
  if (r.error?.code === 'ETIMEDOUT') return { error: `timed out after ${CHILD_TIMEOUT_MS / 1000} s`, wall_s };
  const loaded = [...(r.stderr ?? '').matchAll(/^AB_LOADED (.*)$/gm)].map((m) => m[1]);
  const rss = r.stdout?.match(/^AB_RSS (\d+)$/m);
  const m = r.stdout?.match(/^BENCH_RESULT (.*)$/m);
  if (!m) {
    const why = r.error?.message ?? (r.stderr || r.stdout || `exit ${r.status}`).replace(/^AB_LOADED .*\n/gm, '').trim().split('\n').slice(-3).join(' / ');
    return { error: why.slice(0, 300), wall_s };
  }
  const res = JSON.parse(m[1]);
  if (res.error) return { error: res.error, wall_s };
  const foreign = loaded.filter((d) => !d.startsWith(dir + sep));
  const missing = PACKAGES.filter((p) => !loaded.includes(join(dir, 'packages', p)));
  if (foreign.length || missing.length) {
    return { error: `${side} child loaded ${foreign.length ? `foreign ${foreign.join(', ')}` : ''}${missing.length ? ` missing ${missing.join(', ')}` : ''}`, loaded, wall_s };
  }
  return { median_ms: res.median_ms, times_ms: res.times_ms, backend: res.backend, warmup, reps, maxrss_kb: rss ? Number(rss[1]) : null, loaded, wall_s };
}

// ---- run -------------------------------------------------------------------------------------------

const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const fmtMs = (x) => (x === null || x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtMB = (kb) => (kb ? (kb / 1024).toFixed(0) : '—');
const progress = (msg) => process.stderr.write(`${msg}\n`);

const runs = Object.fromEntries(selected.map((w) => [w, { before: [], after: [] }]));
const t0 = Date.now();

function summarize() {
  const summary = {};
  for (const w of selected) {
    const s = (summary[w] = {});
    for (const side of ['before', 'after']) {
      const ok = runs[w][side].filter((r) => !r.error);
      s[side] = {
        median_ms: median(ok.flatMap((r) => r.times_ms)),
        round_medians_ms: runs[w][side].map((r) => r.median_ms ?? null),
        maxrss_mb: runs[w][side].map((r) => (r.maxrss_kb ? r.maxrss_kb / 1024 : null)),
        errors: runs[w][side].filter((r) => r.error).map((r) => r.error),
      };
    }
    s.ratio = s.before.median_ms && s.after.median_ms ? s.after.median_ms / s.before.median_ms : null;
    const paired = runs[w].before.map((b, i) => (b.median_ms && runs[w].after[i]?.median_ms ? runs[w].after[i].median_ms / b.median_ms : null)).filter((x) => x !== null);
    s.round_ratios = paired;
  }
  return summary;
}

function writeJson(done) {
  mkdirSync(dirname(cli.out), { recursive: true });
  writeFileSync(
    cli.out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        complete: done,
        command: `node bench/ab.mjs ${process.argv.slice(2).join(' ')}`.trim(),
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg_at_end: os.loadavg() },
        trees: treeInfo,
        warnings,
        rounds,
        workloads: selected,
        steps: Object.fromEntries(selected.map((w) => [w, { warmup: Number(cli.warmup ?? STEPS[w][0]), reps: Number(cli.reps ?? STEPS[w][1]) }])),
        summary: summarize(),
        runs,
      },
      null,
      2,
    )}\n`,
  );
}

progress(`before: ${trees.before} (${treeInfo.before.commit?.slice(0, 7)})  after: ${trees.after} (${treeInfo.after.commit?.slice(0, 7)})`);
for (let round = 0; round < rounds; round++) {
  for (const w of selected) {
    const order = round % 2 ? ['after', 'before'] : ['before', 'after'];
    for (const side of order) {
      const r = runChild(side, w);
      runs[w][side].push({ round, ...r });
      progress(`  round ${round + 1}/${rounds} ${w} ${side.padEnd(6)}: ${r.error ? `error: ${r.error}` : `${fmtMs(r.median_ms)} ms, peak RSS ${fmtMB(r.maxrss_kb)} MB`} (${r.wall_s.toFixed(1)} s)`);
    }
  }
  writeJson(false);
}

// ---- table -----------------------------------------------------------------------------------------

const summary = summarize();
const HEAD = ['workload', 'before ms', 'after ms', 'after/before', 'per-round ratios', 'peak RSS before MB', 'peak RSS after MB', 'errors'];
const rows = selected.map((w) => {
  const s = summary[w];
  const range = s.round_ratios.length ? `${Math.min(...s.round_ratios).toFixed(3)}–${Math.max(...s.round_ratios).toFixed(3)}` : '—';
  const rss = (side) => {
    const xs = s[side].maxrss_mb.filter((x) => x !== null);
    return xs.length ? `${median(xs).toFixed(0)} (max ${Math.max(...xs).toFixed(0)})` : '—';
  };
  const errors = s.before.errors.length + s.after.errors.length;
  return [LABELS[w], fmtMs(s.before.median_ms), fmtMs(s.after.median_ms), s.ratio === null ? '—' : `${s.ratio.toFixed(3)}×`, range, rss('before'), rss('after'), String(errors)];
});
const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([line(HEAD), `|${widths.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
console.log(`before = ${treeInfo.before.commit?.slice(0, 7)} ${treeInfo.before.subject}\nafter  = ${treeInfo.after.commit?.slice(0, 7)} ${treeInfo.after.subject}${treeInfo.after.packages_dirty ? ' (+ uncommitted changes)' : ''}`);
console.log(`medians over all timed steps of ${rounds} round(s); peak RSS = median (max) over children; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
writeJson(true);
progress(`wrote ${cli.out}`);
