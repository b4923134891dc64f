/**
 * The dependency graph and package hygiene (API.md "Packages", style.md "TypeScript monorepos"):
 * dependencies only point down — tensor ← autograd ← nn ← vision; optim ← autograd (nn only as a
 * devDependency); data ← tensor — every `@flint/*` import in a package's sources is declared in its
 * package.json, there are no deep or cross-package relative imports, and each package ships
 * `dist` with `exports` (types first), an explicit `src/index.ts`, a README, and `sideEffects`
 * that keep the modules which start WASM / register autograd.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What each package may depend on at runtime. vision's datasets build on @flint/data (as torchvision.datasets on torch.utils.data). */
const ALLOWED: Record<string, readonly string[]> = {
  tensor: [],
  autograd: ['tensor'],
  nn: ['tensor', 'autograd'],
  vision: ['tensor', 'autograd', 'nn', 'data'],
  optim: ['tensor', 'autograd'],
  data: ['tensor'],
  onnx: ['tensor', 'autograd', 'nn'],
  webgpu: ['tensor'],
};
/** What each package may use in its tests only. */
const ALLOWED_DEV: Record<string, readonly string[]> = { optim: ['nn'], webgpu: ['autograd', 'nn', 'optim', 'vision'] };

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  sideEffects?: boolean | string[];
  exports?: Record<string, unknown>;
  files?: string[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const flintDeps = (deps: Record<string, string> | undefined): string[] =>
  Object.keys(deps ?? {})
    .filter((d) => d.startsWith('@flint/'))
    .map((d) => d.slice('@flint/'.length))
    .sort();

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|tsx)$/.test(entry)) out.push(path);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

const isTestFile = (f: string): boolean => /\.test(-d)?\.ts$|[\\/](test-utils|test-fixtures)[\\/]/.test(f);

const packages = readdirSync(join(ROOT, 'packages')).filter((p) => existsSync(join(ROOT, 'packages', p, 'package.json')));

describe('dependency graph', () => {
  it('knows every package', () => {
    expect(packages.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  for (const pkg of packages) {
    const dir = join(ROOT, 'packages', pkg);
    const json = readJson<PackageJson>(join(dir, 'package.json'));

    it(`@flint/${pkg} declares only downward dependencies`, () => {
      const bad = flintDeps(json.dependencies).filter((d) => !ALLOWED[pkg]!.includes(d));
      expect(bad, `@flint/${pkg} may depend on ${ALLOWED[pkg]!.join(', ') || 'no Flint package'}`).toEqual([]);
      const badDev = flintDeps(json.devDependencies).filter((d) => !(ALLOWED_DEV[pkg] ?? []).includes(d) && !ALLOWED[pkg]!.includes(d));
      expect(badDev, `@flint/${pkg} devDependencies`).toEqual([]);
    });

    it(`@flint/${pkg} imports only what it declares (sources: dependencies; tests: also devDependencies)`, () => {
      const deps = new Set(flintDeps(json.dependencies));
      const devDeps = new Set(flintDeps(json.devDependencies));
      const problems: string[] = [];
      for (const file of sourceFiles(join(dir, 'src'))) {
        const rel = relative(ROOT, file);
        for (const spec of importsOf(file)) {
          if (spec.startsWith('@flint/')) {
            const [, name, ...rest] = spec.split('/');
            if (rest.length > 0) problems.push(`${rel}: deep import '${spec}'`);
            if (name === pkg) {
              if (!isTestFile(file)) problems.push(`${rel}: imports its own package '${spec}' (use a relative import)`);
              continue;
            }
            const ok = deps.has(name!) || (isTestFile(file) && devDeps.has(name!));
            if (!ok) problems.push(`${rel}: imports '${spec}', which package.json does not declare`);
          } else if (spec.startsWith('@tensorflow/') && pkg !== 'tensor' && !(pkg === 'webgpu' && spec === '@tensorflow/tfjs-backend-webgpu')) {
            problems.push(`${rel}: imports '${spec}' (only @flint/tensor talks to tfjs, and @flint/webgpu to its backend)`);
          } else if (spec.startsWith('.')) {
            const target = resolve(file, '..', spec);
            // Tests may use the repository's shared test support (tests/oracle-cases.ts).
            const shared = isTestFile(file) && target.startsWith(join(ROOT, 'tests') + '/');
            if (!target.startsWith(dir + '/') && !shared) problems.push(`${rel}: relative import '${spec}' leaves the package`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it(`@flint/${pkg} tsconfig references match its dependencies`, () => {
      const ts = readJson<{ references?: { path: string }[] }>(join(dir, 'tsconfig.json'));
      const refs = (ts.references ?? []).map((r) => r.path.replace(/^\.\.\//, '')).sort();
      expect(refs).toEqual(flintDeps(json.dependencies));
    });
  }

  it('the graph has no cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (p: string, path: string[]): void => {
      if (done.has(p)) return;
      if (visiting.has(p)) throw new Error(`dependency cycle: ${[...path, p].join(' → ')}`);
      visiting.add(p);
      const json = readJson<PackageJson>(join(ROOT, 'packages', p, 'package.json'));
      for (const d of flintDeps(json.dependencies)) visit(d, [...path, p]);
      visiting.delete(p);
      done.add(p);
    };
    for (const p of packages) visit(p, []);
  });

  for (const app of readdirSync(join(ROOT, 'apps')).filter((a) => existsSync(join(ROOT, 'apps', a, 'package.json')))) {
    it(`apps/${app} imports only the Flint packages it declares, through their public entry`, () => {
      const dir = join(ROOT, 'apps', app);
      const deps = new Set(flintDeps(readJson<PackageJson>(join(dir, 'package.json')).dependencies));
      const problems: string[] = [];
      for (const sub of ['src', 'test']) {
        if (!existsSync(join(dir, sub))) continue;
        for (const file of sourceFiles(join(dir, sub))) {
          for (const spec of importsOf(file)) {
            if (!spec.startsWith('@flint/')) continue;
            const [, name, ...rest] = spec.split('/');
            if (rest.length > 0) problems.push(`${relative(ROOT, file)}: deep import '${spec}'`);
            if (!deps.has(name!)) problems.push(`${relative(ROOT, file)}: imports '${spec}', which package.json does not declare`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }
});

describe('package hygiene', () => {
  /** Modules whose evaluation matters: they start the backend or register the autograd engine. */
  const SIDE_EFFECTS: Record<string, readonly string[]> = {
    tensor: ['./dist/index.js', './dist/backend.js'],
    autograd: ['./dist/index.js', './dist/engine.js'],
    nn: ['./dist/index.js'],
    vision: ['./dist/index.js'],
    optim: ['./dist/index.js'],
    webgpu: ['./dist/index.js'],
  };

  for (const pkg of packages) {
    const dir = join(ROOT, 'packages', pkg);
    const json = readJson<PackageJson>(join(dir, 'package.json'));

    it(`@flint/${pkg}: exports with types first, files = dist + src without tests or build cache, a README and LICENSE`, () => {
      const main = json.exports?.['.'] as Record<string, string> | undefined;
      expect(main, 'exports["."]').toBeDefined();
      expect(Object.keys(main!)[0]).toBe('types');
      expect(main!.types).toBe('./dist/index.d.ts');
      expect(main!.default ?? main!.import).toBe('./dist/index.js');
      expect(main!.require, 'exports["."].require (the ESM-only message)').toBe('./require.cjs');
      expect(json.files).toEqual(['dist', '!dist/.tsbuildinfo', 'src', '!src/**/*.test.ts', '!src/**/*.test-d.ts', '!src/**/test-utils', '!src/**/test-fixtures', 'require.cjs', 'CHANGELOG.md']);
      expect(existsSync(join(dir, 'README.md')), `packages/${pkg}/README.md`).toBe(true);
      expect(existsSync(join(dir, 'LICENSE')), `packages/${pkg}/LICENSE`).toBe(true);
    });

    it(`@flint/${pkg}: src/index.ts uses explicit named exports (export * only as a namespace)`, () => {
      const text = readFileSync(join(dir, 'src', 'index.ts'), 'utf8');
      expect(text.match(/^\s*export \*(?! as )/gm) ?? []).toEqual([]);
    });

    it(`@flint/${pkg}: sideEffects keeps the modules that start WASM / register autograd`, () => {
      const want = SIDE_EFFECTS[pkg];
      if (!want) {
        expect(json.sideEffects).toBe(false);
        return;
      }
      expect(Array.isArray(json.sideEffects), `sideEffects of @flint/${pkg} must list its side-effectful modules`).toBe(true);
      for (const m of want) expect(json.sideEffects).toContain(m);
      for (const m of json.sideEffects as string[]) {
        expect(existsSync(join(dir, 'src', m.replace('./dist/', '').replace(/\.js$/, '.ts'))), `${m} has a source file`).toBe(true);
      }
    });
  }

  for (const pkg of ['nn', 'vision', 'optim']) {
    it(`@flint/${pkg}'s index imports @flint/autograd for its side effect`, () => {
      const text = readFileSync(join(ROOT, 'packages', pkg, 'src', 'index.ts'), 'utf8');
      expect(text).toMatch(/^import '@flint\/autograd';$/m);
    });
  }
});
