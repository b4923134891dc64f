#!/usr/bin/env node
// Packs each package with `pnpm pack` and installs it with npm into an empty folder outside the
// workspace, together with the tarballs of its Flint dependencies only, then runs a plain Node
// ESM script against it. Proves each package is installable on its own, and that its tarball is
// complete: a LICENSE, no build-cache file, the sources its source maps name, and a require()
// that fails with a message saying what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');

// What each package's smoke script checks once installed.
const smoke = {
  tensor: `import { randn, getBackend, tensor } from '@flint/tensor';
const x = randn([2, 3]);
if (getBackend() !== 'wasm') throw new Error('backend ' + getBackend());
if (tensor([1, 2]).add(1).sum().item() !== 5) throw new Error('wrong sum');
console.log('tensor ok', x.shape);`,
  autograd: `import { tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
const x = tensor([1, 2, 3], { requiresGrad: true });
x.mul(x).sum().backward();
if (x.grad.tolist().join() !== '2,4,6') throw new Error('wrong grad');
noGrad(() => x.mul(2));
console.log('autograd ok');`,
  nn: `import { randn } from '@flint/tensor';
import { Linear, Sequential, ReLU } from '@flint/nn';
const m = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1));
m(randn([2, 3])).sum().backward();
console.log('nn ok', Object.keys(m.stateDict()).join(' '));`,
  vision: `import { randn } from '@flint/tensor';
import { Conv2d } from '@flint/vision';
const c = new Conv2d(3, 4, 3, { padding: 1 });
const y = c(randn([1, 3, 8, 8]));
y.sum().backward();
console.log('vision ok', y.shape);`,
  optim: `import { randn } from '@flint/tensor';
import { SGD } from '@flint/optim';
const w = randn([3], { requiresGrad: true });
const opt = new SGD([w], { lr: 0.1 });
w.mul(w).sum().backward();
opt.step();
console.log('optim ok');`,
  data: `import { randn, arange } from '@flint/tensor';
import { TensorDataset, DataLoader } from '@flint/data';
const ds = new TensorDataset(randn([10, 2]), arange(10));
let n = 0; for (const [x] of new DataLoader(ds, { batchSize: 4 })) n += x.shape[0];
if (n !== 10) throw new Error('loader');
console.log('data ok');`,
  onnx: `import { randn } from '@flint/tensor';
import { Linear } from '@flint/nn';
import { exportOnnx } from '@flint/onnx';
import onnxProto from 'onnx-proto';
const bytes = exportOnnx(new Linear(3, 2), [randn([1, 3])], { dynamicBatch: true });
const { graph } = onnxProto.onnx.ModelProto.decode(bytes);
if (graph.node.map((n) => n.opType).join() !== 'Gemm') throw new Error('nodes ' + graph.node.map((n) => n.opType));
if (graph.initializer.map((t) => t.name).join() !== 'weight,bias') throw new Error('initialisers');
if (graph.input[0].type.tensorType.shape.dim[0].dimParam !== 'batch') throw new Error('dynamic batch');
console.log('onnx ok', bytes.length, 'bytes');`,
  webgpu: `import { getBackend, setBackend, tensor } from '@flint/tensor';
import { gpuAvailable } from '@flint/webgpu';
// Installed alone, without Dawn: no adapter in Node, so the switch is refused and WASM stays.
const found = await gpuAvailable();
if (found.ok) await setBackend('webgpu');
else await setBackend('webgpu').then(() => { throw new Error('switched without an adapter'); }, (e) => { if (!/webgpu/.test(e.message)) throw e; });
if (!found.ok && getBackend() !== 'wasm') throw new Error('backend ' + getBackend());
console.log('webgpu ok', found.ok ? 'adapter' : 'no adapter: ' + found.reason, await tensor([1, 2]).sum().itemAsync());`,
};

// `node scripts/pack-check.mjs onnx nn` checks only those packages.
const only = process.argv.slice(2);
const names = readdirSync(packagesDir).filter((n) => n in smoke && (only.length === 0 || only.includes(n)));
const manifest = (n) => JSON.parse(readFileSync(join(packagesDir, n, 'package.json'), 'utf8'));
const flintDeps = (n, seen = new Set()) => {
  for (const dep of Object.keys(manifest(n).dependencies ?? {})) {
    if (!dep.startsWith('@flint/')) continue;
    const short = dep.slice('@flint/'.length);
    if (!seen.has(short)) flintDeps(short, seen.add(short));
  }
  return seen;
};

/** What the installed package must (not) contain, and how require() must fail. */
function checkContents(n, pkgDir, consumer) {
  const problems = [];
  if (!existsSync(join(pkgDir, 'LICENSE'))) problems.push('no LICENSE');
  if (existsSync(join(pkgDir, 'dist', '.tsbuildinfo'))) problems.push('ships dist/.tsbuildinfo');
  const maps = readdirSync(join(pkgDir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.map'));
  for (const map of maps) {
    const file = join(pkgDir, 'dist', String(map));
    for (const source of JSON.parse(readFileSync(file, 'utf8')).sources) {
      if (!existsSync(join(dirname(file), source))) problems.push(`${map} names ${source}, which is not shipped`);
    }
  }
  const req = spawnSync('node', ['-e', `require('@flint/${n}')`], { cwd: consumer, encoding: 'utf8' });
  if (req.status === 0 || !req.stderr.includes('ESM-only')) problems.push(`require() does not say the package is ESM-only: ${req.stderr.split('\n').slice(0, 6).join(' ')}`);
  if (problems.length > 0) throw new Error(problems.slice(0, 10).join('; '));
}

const tarballs = mkdtempSync(join(tmpdir(), 'flint-pack-'));
const tarball = {};
for (const n of new Set(names.flatMap((n) => [n, ...flintDeps(n)]))) {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(packagesDir, n), encoding: 'utf8' });
  tarball[n] = out.trim().split('\n').pop().trim();
}

let failed = 0;
for (const n of names) {
  const dir = mkdtempSync(join(tmpdir(), `flint-install-${n}-`));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const files = [n, ...flintDeps(n)].map((d) => tarball[d]);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], { cwd: dir, stdio: 'inherit' });
    writeFileSync(join(dir, 'smoke.mjs'), smoke[n]);
    execFileSync('node', ['smoke.mjs'], { cwd: dir, stdio: 'inherit' });
    checkContents(n, join(dir, 'node_modules', '@flint', n), dir);
  } catch (err) {
    failed++;
    console.error(`pack-check: @flint/${n} failed: ${err.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
rmSync(tarballs, { recursive: true, force: true });
console.log(`pack-check: ${names.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
