#!/usr/bin/env node
// `pnpm release:check`: rehearses a release end to end without touching the real registry.
//
// 1. Copies the repository (its tracked and untracked, not ignored files) to a scratch folder,
//    commits it there, installs it offline from the pnpm store.
// 2. Starts verdaccio 6.8.0 on 127.0.0.1 (installed with npm into the scratch folder; `node-fetch`
//    pinned to 2.7.0 by npm `overrides`) with no uplink, so `@flint/*` exist only there.
// 3. Runs `pnpm release` in the copy against it: `changeset version`, the build, `changeset publish`.
//    Every package must come out at its expected version (0.1.0 for a first release) with its
//    CHANGELOG.md, LICENSE and sources in the tarball and no build cache.
// 4. Installs `@flint/nn`, `@flint/vision` + `@flint/optim` and `@flint/data` each into an empty
//    folder (with the Flint packages their scripts import, as the READMEs say; everything else from
//    the normal registry) and trains a small model in each. A minified bundle of the nn script
//    must print PyTorch's module names.
// 5. Type-checks a consumer of every package with `skipLibCheck: false` under `bundler`, `node16`
//    and `nodenext`, with TypeScript 5.9 and the build's TypeScript 7: a Node one (`@types/node`,
//    no DOM lib) and a browser one (DOM lib, no `@types/node`).
// 6. Builds a Vite page that imports only `@flint/nn` and checks the JavaScript it loads up front
//    against a budget; the cpu backend must be a lazily loaded chunk.
//
//   pnpm release:check [--keep]     (--keep leaves the scratch folder for a look)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { freePort } from './free-port.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const VERDACCIO = '6.8.0';
// The JavaScript a page importing only @flint/nn loads before its first op (minified, bytes).
// Measured 383 KB (111 KB gzip -9) with the cpu backend split off into a lazy 122 KB chunk;
// 493 KB when it was bundled up front. 400.2 KB (116.4 KB gzip) on 2026-12-02, after sequence
// models, the backend switch and the WASM convolution and pooling paths (Tensor's methods pull in
// every op); 409.4 KB (119.6 KB gzip) later that day, with the convolutions over columns, the
// empty-tensor paths and the heap kernels (fused optimizer steps, transposes). The budget keeps
// ~10 KB of headroom over that.
const BUDGET = { raw: 420_000, gzip: 123_000 };
const PACKAGES = ['tensor', 'autograd', 'nn', 'vision', 'optim', 'data', 'onnx', 'webgpu'];

const started = Date.now();
const timings = [];
let phaseStart = Date.now();
const phase = (name) => {
  const now = Date.now();
  if (timings.length > 0) timings.at(-1).seconds = (now - phaseStart) / 1000;
  timings.push({ name, seconds: 0 });
  phaseStart = now;
  console.log(`\nrelease-check: ${name}`);
};
const fail = (msg) => {
  throw new Error(msg);
};
const run = (cmd, args, cwd, env = {}) =>
  execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
const runLoud = (cmd, args, cwd, env = {}) => {
  try {
    return run(cmd, args, cwd, env);
  } catch (err) {
    fail(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
};

const work = mkdtempSync(join(tmpdir(), 'flint-release-check-'));
let registry = null;

/**
 * fetch, retried: the synchronous steps block the event loop, so a kept-alive socket the registry
 * has closed meanwhile fails the first request on it.
 */
async function request(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (attempt === 3) throw new Error(`${url}: ${err.message} (${err.cause?.message ?? 'no cause'})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** 1. The scratch copy of the repository, committed and installed. */
function scratchCopy() {
  phase('scratch copy');
  const repo = join(work, 'repo');
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root).split('\0').filter(Boolean);
  for (const f of files) {
    const from = join(root, f);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted but not yet staged
    mkdirSync(dirname(join(repo, f)), { recursive: true });
    cpSync(from, join(repo, f));
  }
  const git = (...a) => run('git', ['-c', 'user.name=release-check', '-c', 'user.email=release-check@localhost', ...a], repo);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'scratch copy');
  phase('pnpm install --offline (scratch copy)');
  runLoud('pnpm', ['install', '--frozen-lockfile', '--offline'], repo);
  return repo;
}

/** 2. A verdaccio with no uplink, and an account to publish with. */
async function startRegistry() {
  phase(`verdaccio ${VERDACCIO}`);
  const dir = join(work, 'verdaccio');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'release-check-registry', private: true, dependencies: { verdaccio: VERDACCIO }, overrides: { 'node-fetch': '2.7.0' } }),
  );
  runLoud('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'storage: ./storage',
      'auth:',
      '  htpasswd:',
      '    file: ./htpasswd',
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [join(dir, 'node_modules/verdaccio/bin/verdaccio'), '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  registry = { child, url, port, output: () => output };
  for (let i = 0; ; i++) {
    try {
      if ((await request(`${url}-/ping`)).ok) break;
    } catch {}
    if (child.exitCode !== null || i > 300) fail(`verdaccio did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await request(`${url}-/user/org.couchdb.user:release-check`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'release-check', password: 'release-check-password', email: 'release-check@localhost' }),
  });
  const { token } = await res.json();
  if (!token) fail(`verdaccio gave no token (HTTP ${res.status})`);
  registry.token = token;
  console.log(`release-check: registry ${url}`);
}

/** 3. `pnpm release` in the copy, against the local registry only. */
async function release(repo) {
  phase('pnpm release (changeset version, build, changeset publish)');
  const host = `//127.0.0.1:${registry.port}/`;
  writeFileSync(join(repo, '.npmrc'), `registry=${registry.url}\n${host}:_authToken=${registry.token}\n`);
  const env = { npm_config_registry: registry.url, [`npm_config_${host}:_authToken`]: registry.token, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
  const before = Object.fromEntries(PACKAGES.map((n) => [n, JSON.parse(readFileSync(join(repo, 'packages', n, 'package.json'), 'utf8')).version]));
  const out = runLoud('pnpm', ['run', 'release'], repo, env);
  process.stdout.write(out.split('\n').filter((l) => /publish|New tag|success|warn|error/i.test(l)).join('\n') + '\n');
  const versions = {};
  for (const n of PACKAGES) {
    const pkg = JSON.parse(readFileSync(join(repo, 'packages', n, 'package.json'), 'utf8'));
    versions[n] = pkg.version;
    const meta = await (await request(`${registry.url}@flint%2f${n}`)).json();
    if (!meta.versions?.[pkg.version]) fail(`@flint/${n}@${pkg.version} was not published`);
    if (before[n] === '0.0.0' && pkg.version !== '0.1.0') fail(`@flint/${n}: a first release must be 0.1.0, the changesets made ${pkg.version}`);
    if (!existsSync(join(repo, 'packages', n, 'CHANGELOG.md'))) fail(`@flint/${n} has no CHANGELOG.md after changeset version`);
    const deps = meta.versions[pkg.version].dependencies ?? {};
    for (const [d, range] of Object.entries(deps)) if (range.startsWith('workspace:')) fail(`@flint/${n} was published with ${d}@${range}`);
  }
  console.log(`release-check: published ${PACKAGES.map((n) => `@flint/${n}@${versions[n]}`).join(', ')}`);
  return versions;
}

/** A folder with its own package.json and an .npmrc that takes @flint/* from the local registry. */
function consumer(name, install) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  writeFileSync(join(dir, '.npmrc'), `@flint:registry=${registry.url}\n`);
  runLoud('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...install], dir);
  return dir;
}

/** The published tarball as installed: CHANGELOG, LICENSE, sources, no build cache. */
function checkInstalled(dir, n) {
  const pkg = join(dir, 'node_modules', '@flint', n);
  for (const f of ['CHANGELOG.md', 'LICENSE', 'README.md', 'require.cjs', 'src/index.ts', 'dist/index.js', 'dist/index.d.ts']) {
    if (!existsSync(join(pkg, f))) fail(`@flint/${n} as installed has no ${f}`);
  }
  if (existsSync(join(pkg, 'dist', '.tsbuildinfo'))) fail(`@flint/${n} ships dist/.tsbuildinfo`);
  const tests = readdirSync(join(pkg, 'src'), { recursive: true }).filter((f) => /\.test(-d)?\.ts$|test-utils|test-fixtures/.test(String(f)));
  if (tests.length > 0) fail(`@flint/${n} ships test files: ${tests.slice(0, 3).join(', ')}`);
}

const TRAIN = {
  nn: `import { manualSeed, randn } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { Linear, MSELoss, ReLU, Sequential } from '@flint/nn';
manualSeed(0);
const x = randn([64, 4]);
const y = x.sum(1, true).mul(0.5);
const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 1));
const lossFn = new MSELoss();
const losses = [];
for (let step = 0; step < 60; step++) {
  const loss = lossFn(model(x), y);
  model.zeroGrad();
  loss.backward();
  noGrad(() => { for (const p of model.parameters()) p.sub_(p.grad.mul(0.05)); });
  losses.push(loss.item());
}
if (!(losses.at(-1) < losses[0] / 4)) throw new Error('nn: loss did not fall: ' + losses[0] + ' -> ' + losses.at(-1));
console.log('nn trained: loss ' + losses[0].toFixed(3) + ' -> ' + losses.at(-1).toFixed(3));
console.log(String(model));
`,
  visionOptim: `import { manualSeed, randn, randint } from '@flint/tensor';
import { CrossEntropyLoss, Flatten, Linear, ReLU, Sequential } from '@flint/nn';
import { BatchNorm2d, Conv2d, MaxPool2d } from '@flint/vision';
import { Adam, lrScheduler } from '@flint/optim';
manualSeed(0);
const x = randn([16, 1, 8, 8]);
const y = randint(0, 3, [16]);
const model = new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(64, 3));
const opt = new Adam(model.parameters(), { lr: 0.01 });
const sched = new lrScheduler.StepLR(opt, { stepSize: 10, gamma: 0.5 });
const lossFn = new CrossEntropyLoss();
const losses = [];
for (let step = 0; step < 30; step++) {
  opt.zeroGrad();
  const loss = lossFn(model(x), y);
  loss.backward();
  opt.step();
  sched.step();
  losses.push(loss.item());
}
if (!(losses.at(-1) < losses[0] / 2)) throw new Error('vision+optim: loss did not fall: ' + losses[0] + ' -> ' + losses.at(-1));
console.log('vision + optim trained: loss ' + losses[0].toFixed(3) + ' -> ' + losses.at(-1).toFixed(3) + '; ' + String(opt).split('\\n')[0]);
`,
  data: `import { Generator, manualSeed, randn, zeros } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { DataLoader, TensorDataset, randomSplit } from '@flint/data';
manualSeed(0);
const x = randn([200, 3]);
const y = x.matmul(randn([3, 1]));
const [train] = randomSplit(new TensorDataset(x, y), [0.8, 0.2], { generator: new Generator(1) });
const loader = new DataLoader(train, { batchSize: 32, shuffle: true, generator: new Generator(2) });
const w = zeros([3, 1], { requiresGrad: true });
let first, last;
for (let epoch = 0; epoch < 10; epoch++) {
  for (const [xb, yb] of loader) {
    const loss = xb.matmul(w).sub(yb).pow(2).mean();
    loss.backward();
    noGrad(() => { w.sub_(w.grad.mul(0.1)); w.grad = null; });
    first ??= loss.item();
    last = loss.item();
  }
}
if (!(last < first / 10)) throw new Error('data: loss did not fall: ' + first + ' -> ' + last);
console.log('data trained: loss ' + first.toFixed(3) + ' -> ' + last.toFixed(4) + ' over ' + loader.length + ' batches an epoch');
`,
};

/** 4. Install each package into an empty folder and train with it. */
function trainConsumers() {
  const sets = [
    ['nn', ['@flint/nn', '@flint/tensor', '@flint/autograd'], TRAIN.nn],
    ['vision-optim', ['@flint/vision', '@flint/optim', '@flint/nn', '@flint/tensor'], TRAIN.visionOptim],
    ['data', ['@flint/data', '@flint/tensor', '@flint/autograd'], TRAIN.data],
  ];
  const dirs = {};
  for (const [name, install, script] of sets) {
    phase(`install ${install[0]}${name === 'vision-optim' ? ' + @flint/optim' : ''} into an empty folder and train`);
    const dir = consumer(`consumer-${name}`, install);
    for (const pkg of install) checkInstalled(dir, pkg.slice('@flint/'.length));
    writeFileSync(join(dir, 'train.mjs'), script);
    process.stdout.write(runLoud('node', ['train.mjs'], dir).split('\n').slice(0, 2).join('\n') + '\n');
    const req = (() => {
      try {
        run('node', ['-e', `require('${install[0]}')`], dir);
        return 'loaded';
      } catch (err) {
        return err.stderr;
      }
    })();
    if (!req.includes('is ESM-only')) fail(`require('${install[0]}') does not say the package is ESM-only:\n${req}`);
    dirs[name] = dir;
  }
  return dirs;
}

/** The bundler the Vite page uses (vite and its rolldown, from the workspace). */
function tools() {
  const requireFromWeb = createRequire(join(root, 'apps/web/package.json'));
  const vitePkg = requireFromWeb.resolve('vite/package.json');
  const rolldown = createRequire(vitePkg).resolve('rolldown');
  return { vite: join(dirname(vitePkg), 'bin/vite.js'), rolldown };
}

/** A minified bundle of Flint's code (tfjs left external) must print PyTorch's module names. */
async function minifiedPrinting(dir) {
  phase('minified bundle prints PyTorch names');
  const { rolldown } = await import(tools().rolldown);
  writeFileSync(
    join(dir, 'print.mjs'),
    `import { Linear, ReLU, Sequential, LSTM } from '@flint/nn';
console.log(String(new Sequential(new Linear(4, 2), new ReLU(), new LSTM(2, 3))));
console.log(Linear.name);`,
  );
  const bundle = await rolldown({ input: join(dir, 'print.mjs'), platform: 'node', cwd: dir, external: [/^@tensorflow\//, /^node:/, 'fflate'] });
  await bundle.write({ file: join(dir, 'print.min.mjs'), format: 'esm', minify: true });
  await bundle.close();
  const out = runLoud('node', ['print.min.mjs'], dir).trim().split('\n');
  const expected = ['Sequential(', '  (0): Linear(in_features=4, out_features=2, bias=True)', '  (1): ReLU()', '  (2): LSTM(2, 3)', ')'];
  if (out.slice(0, 5).join('\n') !== expected.join('\n')) fail(`the minified bundle prints:\n${out.join('\n')}`);
  console.log(`release-check: minified (class Linear is named ${JSON.stringify(out[5])} in the bundle) it prints ${out[1].trim()}`);
}

const CONSUMER_TS = `import { arange, getBackend, manualSeed, randn, tensor, type Dims, type Shape, type Tensor, type TensorOrScalar } from '@flint/tensor';
import { grad, noGrad, type ForwardArgs } from '@flint/autograd';
import { Linear, Module, ReLU, Sequential, F, type RecurrentMode } from '@flint/nn';
import { Conv2d, resnet18, transforms } from '@flint/vision';
import { Adam, SGD, lrScheduler } from '@flint/optim';
import { DataLoader, TensorDataset } from '@flint/data';

class Net extends Module {
  static override readonly className = 'Net';
  body = new Sequential(new Linear(4, 8), new ReLU());
  head = new Linear(8, 2);
  forward(x: Tensor): Tensor {
    return this.head(this.body(x));
  }
}
manualSeed(0);
const shape: Shape = [3, 4];
const dims: Dims = [0, 1];
const scale: TensorOrScalar = 2;
const net = new Net();
const out: Tensor = net(randn(shape).mul(scale));
const opt = new SGD(net.parameters(), { lr: 0.1 });
const sched = new lrScheduler.StepLR(opt, { stepSize: 1 });
out.sum(dims).backward();
opt.step();
sched.step();
noGrad(() => F.relu(out));
{
  using t = tensor([1, 2, 3]);
  const [g] = grad(t.mul(t).sum(), t);
  console.log(String(g), getBackend(), arange(3).tolist());
}
const conv = new Conv2d(3, 4, 3);
const model = resnet18({ numClasses: 10 });
const t = transforms.compose([transforms.normalize([0.5], [0.5])]);
const loader = new DataLoader(new TensorDataset(randn([8, 2])), { batchSize: 4 });
const adam = new Adam(model.parameters());
const mode: RecurrentMode = 'LSTM';
type A = ForwardArgs<unknown>;
export { conv, t, loader, adam, mode, type A };
`;

/** 5. Type-check consumers: Node (`@types/node`, no DOM) and browser (DOM, no `@types/node`). */
function typeCheck() {
  const all = ['tensor', 'autograd', 'nn', 'vision', 'optim', 'data'].map((n) => `@flint/${n}`);
  const compilers = {
    'TypeScript 5.9': join(root, 'tools/docs/node_modules/typescript/bin/tsc'),
    'TypeScript 7 (the build)': join(root, 'node_modules/typescript/bin/tsc'),
  };
  const results = [];
  for (const [kind, extra, lib, types] of [
    ['node', ['@types/node@20'], ['ES2022'], ['node']],
    ['browser', [], ['ES2022', 'DOM', 'DOM.Iterable'], []],
  ]) {
    phase(`type-check a ${kind} consumer (skipLibCheck: false)`);
    const dir = consumer(`typecheck-${kind}`, [...all, ...extra]);
    if (kind === 'browser' && existsSync(join(dir, 'node_modules/@types/node'))) fail('the browser consumer got @types/node from a dependency');
    writeFileSync(join(dir, 'main.ts'), CONSUMER_TS);
    for (const [resolution, module] of [
      ['bundler', 'esnext'],
      ['node16', 'node16'],
      ['nodenext', 'nodenext'],
    ]) {
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(
        join(dir, config),
        JSON.stringify({
          compilerOptions: { target: 'ES2022', module, moduleResolution: resolution, lib, types, strict: true, skipLibCheck: false, noEmit: true },
          files: ['main.ts'],
        }),
      );
      let files = '';
      for (const [name, tsc] of Object.entries(compilers)) {
        try {
          const out = run(process.execPath, [tsc, '-p', config, ...(name === 'TypeScript 5.9' ? ['--listFiles'] : [])], dir);
          if (name === 'TypeScript 5.9') files = out;
          results.push(`${kind} ${resolution} ${name}: ok`);
        } catch (err) {
          fail(`${kind} consumer, moduleResolution ${resolution}, ${name}:\n${err.stdout}${err.stderr}`);
        }
      }
      // Nothing of tfjs or WebGPU may be part of the program.
      const leaked = files.split('\n').filter((f) => /node_modules\/(@tensorflow|@webgpu|@types\/(emscripten|offscreencanvas|long|seedrandom))\//.test(f));
      if (leaked.length > 0) fail(`${kind} ${resolution}: Flint's declarations pull in ${leaked.slice(0, 3).join(', ')}`);
    }
  }
  console.log(`release-check: ${results.length} type-checks passed`);
}

/** Static imports of a built chunk, to find what a page loads before any dynamic import. */
function staticClosure(assets, entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(assets, file), 'utf8');
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g)) visit(m[1]);
  };
  visit(entry);
  return seen;
}

/** 6. A Vite page importing only @flint/nn, against the budget. */
function vitePage() {
  phase('Vite page importing only @flint/nn');
  const dir = consumer('page', ['@flint/nn']);
  writeFileSync(join(dir, 'index.html'), '<!doctype html>\n<title>flint</title>\n<pre id="out"></pre>\n<script type="module" src="./main.js"></script>\n');
  writeFileSync(
    join(dir, 'main.js'),
    `import { Linear, ReLU, Sequential } from '@flint/nn';
document.getElementById('out').textContent = String(new Sequential(new Linear(4, 2), new ReLU()));
`,
  );
  runLoud(process.execPath, [tools().vite, 'build', '--logLevel', 'warn', '--outDir', 'dist', dir], dir);
  const assets = join(dir, 'dist', 'assets');
  const html = readFileSync(join(dir, 'dist', 'index.html'), 'utf8');
  const entry = html.match(/src="\/assets\/([^"]+\.js)"/)?.[1] ?? fail(`no entry script in ${html}`);
  const initial = staticClosure(assets, entry);
  const chunks = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const size = (files) => files.reduce((s, f) => s + statSync(join(assets, f)).size, 0);
  const gzip = (files) => files.reduce((s, f) => s + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  const up = [...initial];
  const lazy = chunks.filter((f) => !initial.has(f));
  const raw = size(up);
  const gz = gzip(up);
  // The cpu backend is its ~170 kernel configs (\`backendName: 'cpu'\`); one or two that the WASM
  // backend shares may sit in a shared chunk.
  const cpuKernels = (f) => (readFileSync(join(assets, f), 'utf8').match(/backendName:\s*["'`]cpu["'`]/g) ?? []).length;
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  console.log(`release-check: page loads ${up.length} chunks up front: ${kb(raw)} (${kb(gz)} gzip); budget ${kb(BUDGET.raw)} (${kb(BUDGET.gzip)} gzip)`);
  console.log(`release-check: lazy chunks: ${lazy.map((f) => `${f} ${kb(size([f]))}${cpuKernels(f) > 100 ? ' (cpu backend)' : ''}`).join(', ') || 'none'}`);
  const upFront = up.reduce((n, f) => n + cpuKernels(f), 0);
  if (upFront > 10) fail(`the page loads ${upFront} cpu kernels up front: the cpu backend is not split off`);
  if (!lazy.some((f) => cpuKernels(f) > 100)) fail('no lazy chunk holds the cpu backend');
  if (raw > BUDGET.raw || gz > BUDGET.gzip) fail(`the page loads ${kb(raw)} (${kb(gz)} gzip), over the budget of ${kb(BUDGET.raw)} (${kb(BUDGET.gzip)} gzip)`);
  return { raw, gz };
}

let failed = null;
try {
  const repo = scratchCopy();
  await startRegistry();
  await release(repo);
  const dirs = trainConsumers();
  await minifiedPrinting(dirs.nn);
  typeCheck();
  vitePage();
} catch (err) {
  failed = err;
  if (registry) console.error(`verdaccio ${registry.child.exitCode === null ? 'is running' : `exited with ${registry.child.exitCode}`}; its log ends:\n${registry.output().split('\n').slice(-30).join('\n')}`);
} finally {
  if (registry) registry.child.kill();
  if (keep) console.log(`release-check: kept ${work}`);
  else {
    phase('clean up');
    rmSync(work, { recursive: true, force: true });
  }
  phase('end');
}
console.log('\nrelease-check timings:');
for (const t of timings.slice(0, -1)) console.log(`  ${t.seconds.toFixed(1).padStart(6)} s  ${t.name}`);
console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  in all`);
if (failed) {
  console.error(`\nrelease-check: FAILED: ${failed.message}`);
  process.exit(1);
}
console.log('release-check: passed');
