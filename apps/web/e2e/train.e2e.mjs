#!/usr/bin/env node
// End-to-end test of the web example: builds the app, serves it with `vite preview` on
// 127.0.0.1, drives Debian's chromium through playwright-core, trains a few steps (the loss must
// fall, on the WASM backend), draws a digit with mouse events, reads the prediction and saves a
// screenshot to apps/web/screenshots/; then opens the names page, trains its GPT a few dozen
// steps (the loss must fall) and checks that sampled names appear. Exits non-zero on any failure
// and closes everything.
//
//   pnpm --filter ./apps/web e2e            (add -- --no-build to reuse dist/)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const STEPS = 40; // training steps to watch
const NAME_STEPS = 45; // names GPT steps to watch (it samples every 20)
const TIMEOUT_MS = 5 * 60_000;

const log = (...a) => console.log('[e2e]', ...a);
const fail = (msg) => {
  throw new Error(msg);
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`server at ${url} did not answer within ${ms} ms`);
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

let server = null;
let context = null;
let userDataDir = null;
const watchdog = setTimeout(() => {
  console.error(`[e2e] FAILED: timed out after ${TIMEOUT_MS / 1000} s`);
  cleanup().finally(() => process.exit(1));
}, TIMEOUT_MS);

async function cleanup() {
  await context?.close().catch(() => {});
  context = null;
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 3000);
      server.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  server = null;
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  userDataDir = null;
}

async function main() {
  if (!process.argv.includes('--no-build')) {
    log('building (pnpm run build)…');
    const b = spawnSync('pnpm', ['run', 'build'], { cwd: appDir, stdio: 'inherit' });
    if (b.status !== 0) fail(`build failed with status ${b.status}`);
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  server = spawn(join(appDir, 'node_modules/.bin/vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: appDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr.on('data', (d) => process.stderr.write(`[vite] ${d}`));
  await waitForHttp(url, 30_000);
  log(`serving ${url}`);

  userDataDir = mkdtempSync(join(tmpdir(), 'flint-e2e-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1240, height: 760 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
  });

  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#train')?.textContent === 'Train', null, { timeout: 60_000 });
  const { backend, threads, crossOriginIsolated } = await page.evaluate(() => window.flintDemo);
  log(`page ready, backend ${backend}, ${threads} thread(s), cross-origin isolated: ${crossOriginIsolated}`);
  if (!crossOriginIsolated) fail('the page is not cross-origin isolated (COOP/COEP headers missing)');
  if (!(threads >= 1)) fail(`the page reports ${threads} threads`);
  if (backend !== 'wasm') fail(`expected the wasm backend, got '${backend}' (${errors.join('; ')})`);

  const t0 = Date.now();
  await page.click('#train');
  await page.waitForFunction((n) => window.flintDemo.step >= n || window.flintDemo.error, STEPS, { timeout: 180_000, polling: 250 });
  const { losses, error, accuracies } = await page.evaluate(() => window.flintDemo);
  if (error) fail(`training failed in the page: ${error}`);
  const secs = (Date.now() - t0) / 1000;
  const first = mean(losses.slice(0, 5));
  const last = mean(losses.slice(-5));
  log(`${losses.length} steps in ${secs.toFixed(1)} s (${(losses.length / secs).toFixed(1)} steps/s); loss ${first.toFixed(3)} → ${last.toFixed(3)}; running accuracy ${(accuracies.at(-1) * 100).toFixed(1)}%`);
  if (!(last < first * 0.8)) fail(`the loss did not fall: mean of the first 5 steps ${first.toFixed(4)}, of the last 5 ${last.toFixed(4)}`);

  // Draw a "7": a top bar, then a diagonal down to the left, with real mouse events.
  const box = await page.locator('#draw').boundingBox();
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(0.25, 0.22));
  await page.mouse.down();
  await page.mouse.move(...at(0.75, 0.22), { steps: 12 });
  await page.mouse.move(...at(0.42, 0.82), { steps: 16 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#prediction')?.dataset.digit !== undefined, null, { timeout: 30_000 });
  const digit = await page.locator('#prediction').getAttribute('data-digit');
  const probs = await page.evaluate(() => window.flintDemo.prediction.probs);
  if (!/^[0-9]$/.test(digit ?? '')) fail(`no digit predicted (got '${digit}')`);
  if (Math.abs(probs.reduce((a, b) => a + b, 0) - 1) > 1e-3) fail(`prediction probabilities do not sum to 1: ${probs}`);
  log(`drew a 7, the page predicts ${digit} (p=${Math.max(...probs).toFixed(2)})`);

  // Let a few more steps run so the chart shows progress, then capture it.
  await page.waitForFunction((n) => window.flintDemo.step >= n, STEPS + 20, { timeout: 120_000, polling: 250 });
  mkdirSync(join(appDir, 'screenshots'), { recursive: true });
  const shot = join(appDir, 'screenshots', 'train.png');
  await page.screenshot({ path: shot, fullPage: true });
  log(`screenshot ${shot}`);

  await namesPage(url, errors);

  const serious = errors.filter((e) => !/favicon/.test(e));
  if (serious.length > 0) fail(`the page reported errors:\n  ${serious.join('\n  ')}`);
}

/** The names page: trains the GPT a few steps on wasm; the loss falls and sampled names appear. */
async function namesPage(url, errors) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`names pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`names HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`names console.${m.type()}: ${m.text()}`);
  });
  await page.goto(`${url}names.html`);
  await page.waitForFunction(() => document.querySelector('#train')?.textContent === 'Train', null, { timeout: 60_000 });
  const { backend, bigram } = await page.evaluate(() => window.flintNames);
  log(`names page ready, backend ${backend}, bigram baseline ${bigram.toFixed(3)} nats/char`);
  if (backend !== 'wasm') fail(`names page: expected the wasm backend, got '${backend}' (${errors.join('; ')})`);
  if (!(bigram > 2 && bigram < 3)) fail(`names page: implausible bigram baseline ${bigram}`);

  const t0 = Date.now();
  await page.click('#train');
  await page.waitForFunction((n) => window.flintNames.step >= n || window.flintNames.error, NAME_STEPS, { timeout: 240_000, polling: 250 });
  await page.click('#train'); // pause
  const { losses, error, samples } = await page.evaluate(() => window.flintNames);
  if (error) fail(`names page: training failed: ${error}`);
  const secs = (Date.now() - t0) / 1000;
  const first = mean(losses.slice(0, 5));
  const last = mean(losses.slice(-5));
  log(`names: ${losses.length} steps in ${secs.toFixed(1)} s (${(losses.length / secs).toFixed(1)} steps/s); loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
  if (!(last < first * 0.85)) fail(`names page: the loss did not fall: mean of the first 5 steps ${first.toFixed(4)}, of the last 5 ${last.toFixed(4)}`);
  if (samples.length < 2) fail(`names page: expected samples at steps 20 and 40, got ${samples.length}`);
  const latest = samples.at(-1).names;
  const shown = await page.locator('#samples li').allTextContents();
  log(`names sampled at step ${samples.at(-1).step}: ${latest.join(', ')}`);
  if (shown.join() !== latest.map((n) => n || '(empty)').join()) fail(`names page: the list shows ${shown.join(', ')}, not the latest samples`);
  const real = latest.filter((n) => /^[a-z-]{2,}$/.test(n));
  if (real.length < latest.length / 2) fail(`names page: too few plausible names among ${latest.join(', ')}`);
  const shot = join(appDir, 'screenshots', 'names.png');
  await page.screenshot({ path: shot, fullPage: true });
  log(`screenshot ${shot}`);
  await page.close();
}

try {
  await main();
  log('PASSED');
  await cleanup();
  clearTimeout(watchdog);
} catch (err) {
  console.error(`[e2e] FAILED: ${err.message}`);
  await cleanup();
  clearTimeout(watchdog);
  process.exitCode = 1;
}
