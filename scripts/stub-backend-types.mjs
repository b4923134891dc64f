#!/usr/bin/env node
// Run after `tsc -b` in packages/tensor: makes the emitted declarations stand alone. Only Flint's
// internals (members marked @internal, helpers shared by the ops) mention the kernel backend's
// tensor type, yet importing tfjs-core's declarations would make every consumer type-check them,
// and they need DOM, WebGPU, Long and Emscripten types. Each `import * as tf from
// '@tensorflow/tfjs-core'` in dist/**/*.d.ts is pointed at dist/backend-tensor.d.ts, an opaque
// stand-in; any other reference to a tfjs package left in a declaration file is an error.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const stub = join(dist, 'backend-tensor.d.ts');
writeFileSync(
  stub,
  `/**
 * The kernel backend's tensor (tfjs-core's \`Tensor\`) as Flint's declarations see it: opaque, so
 * they stand alone without tfjs's own declarations. Only Flint's internals handle one.
 */
export interface Tensor {
    readonly id: number;
    readonly shape: number[];
    readonly dtype: string;
    readonly size: number;
    dispose(): void;
}
export type Tensor4D = Tensor;
`,
);

const TF_IMPORT = /^import \* as tf from '@tensorflow\/tfjs-core';$/m;
const problems = [];
for (const file of readdirSync(dist, { recursive: true }).map(String)) {
  if (!file.endsWith('.d.ts')) continue;
  const path = join(dist, file);
  if (path === stub) continue;
  let text = readFileSync(path, 'utf8');
  if (TF_IMPORT.test(text)) {
    let rel = relative(dirname(path), stub).replace(/\.d\.ts$/, '.js');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    text = text.replace(TF_IMPORT, `import type * as tf from '${rel}';`);
    writeFileSync(path, text);
  }
  // Code, not comments: a remaining import of a tfjs package.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  if (/['"]@tensorflow\//.test(code)) problems.push(file);
  const used = new Set([...code.matchAll(/\btf\.(\w+)/g)].map((m) => m[1]));
  for (const name of used) if (name !== 'Tensor' && name !== 'Tensor4D') problems.push(`${file} (tf.${name})`);
}
if (problems.length > 0) {
  console.error(`stub-backend-types: declarations still reference tfjs: ${problems.join(', ')}; extend ${stub} or keep the type internal`);
  process.exit(1);
}
