#!/usr/bin/env node
// End-to-end test of the web example: builds the app, serves it with `vite preview` on
// 127.0.0.1, drives Debian's chromium through playwright-core, trains a few steps (the loss must
// fall, on the WASM backend), draws a digit with mouse events, reads the prediction and saves a
// screenshot to apps/web/screenshots/; then opens the names page, trains its GPT a few dozen
// steps (the loss must fall) and checks that sampled names appear. It checks that asking for
// WebGPU where chromium has no adapter shows the error and stays on wasm.
//
// Then the WebGPU pass: chromium again with --enable-unsafe-webgpu (headless, that gives
// SwiftShader's adapter, a CPU rasteriser: slow, so only a few steps), both pages opened with
// `?backend=webgpu`; the loss must fall on both and a digit is predicted. No adapter there is a
// failure; FLINT_E2E_WEBGPU=0 skips the pass. Exits non-zero on any failure and closes everything.
//
//   pnpm --filter ./apps/web e2e            (add -- --no-build to reuse dist/)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../scripts/free-port.mjs';
import { chromium } from 'playwright-core';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const STEPS = 40; // training steps to watch
const NAME_STEPS = 45; // names GPT steps to watch (it samples every 20)
// On SwiftShader a CNN step takes 3–7 s and a GPT step 8–14 s, the first ones longer (shaders compile).
const WEBGPU_STEPS = 10;
const WEBGPU_NAME_STEPS = 2;
const WEBGPU = process.env.FLINT_E2E_WEBGPU !== '0';
const TIMEOUT_MS = 8 * 60_000;
// Chromium's flags; the WebGPU pass adds --enable-unsafe-webgpu (SwiftShader needs nothing more).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const log = (...a) => console.log('[e2e]', ...a);
const fail = (msg) => {
  throw new Error(msg);
};

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

/** Launches chromium with `args` (closing the previous one) into `context`. */
async function launch(args) {
  await context?.close().catch(() => {});
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  userDataDir = mkdtempSync(join(tmpdir(), 'flint-e2e-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args, viewport: { width: 1240, height: 760 } });
}

/** Collects a page's errors (uncaught, HTTP ≥ 400, console errors and warnings) into `errors`. */
function collectErrors(page, errors, prefix = '') {
  page.on('pageerror', (e) => errors.push(`${prefix}pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${prefix}HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${prefix}console.${m.type()}: ${m.text()}`);
  });
}

/** Draws a "7" on the pad (a top bar, then a diagonal down to the left, with real mouse events) and returns the prediction. */
async function drawSeven(page) {
  const box = await page.locator('#draw').boundingBox();
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(0.25, 0.22));
  await page.mouse.down();
  await page.mouse.move(...at(0.75, 0.22), { steps: 12 });
  await page.mouse.move(...at(0.42, 0.82), { steps: 16 });
  await page.mouse.up();
  await page.waitForFunction(() => (window.flintDemo.prediction !== null && !window.flintDemo.predicting) || window.flintDemo.error, null, { timeout: 60_000 });
  const digit = await page.locator('#prediction').getAttribute('data-digit');
  const { prediction, error } = await page.evaluate(() => window.flintDemo);
  if (error) fail(`prediction failed in the page: ${error}`);
  if (!/^[0-9]$/.test(digit ?? '')) fail(`no digit predicted (got '${digit}')`);
  if (Math.abs(prediction.probs.reduce((a, b) => a + b, 0) - 1) > 1e-3) fail(`prediction probabilities do not sum to 1: ${prediction.probs}`);
  return { digit, p: Math.max(...prediction.probs) };
}

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

  const passStart = Date.now();
  await launch(ARGS);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  collectErrors(page, errors);

  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#train')?.textContent === 'Train', null, { timeout: 60_000 });
  const { backend, threads, crossOriginIsolated } = await page.evaluate(() => window.flintDemo);
  log(`page ready, backend ${backend}, ${threads} thread(s), cross-origin isolated: ${crossOriginIsolated}`);
  if (!crossOriginIsolated) fail('the page is not cross-origin isolated (COOP/COEP headers missing)');
  // tfjs's default, half the cores (at least 1).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (threads !== Math.max(1, Math.floor(cores / 2))) fail(`the page runs ${threads} WASM thread(s) on ${cores} cores; expected half of them`);
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

  const { digit, p } = await drawSeven(page);
  log(`drew a 7, the page predicts ${digit} (p=${p.toFixed(2)})`);

  // Let a few more steps run so the chart shows progress, then capture it.
  await page.waitForFunction((n) => window.flintDemo.step >= n, STEPS + 20, { timeout: 120_000, polling: 250 });
  mkdirSync(join(appDir, 'screenshots'), { recursive: true });
  const shot = join(appDir, 'screenshots', 'train.png');
  await page.screenshot({ path: shot, fullPage: true });
  log(`screenshot ${shot}`);

  await namesPage(url, errors);
  await noAdapter(url);
  await moreThreads(url, cores);

  const serious = errors.filter((e) => !/favicon/.test(e));
  if (serious.length > 0) fail(`the page reported errors:\n  ${serious.join('\n  ')}`);
  log(`wasm pass: ${((Date.now() - passStart) / 1000).toFixed(1)} s`);

  if (WEBGPU) await webgpuPass(url);
  else log('webgpu pass skipped (FLINT_E2E_WEBGPU=0)');
}

/**
 * `?threads=N` asks for N WASM threads before the backend starts: the page gets them even past
 * tfjs's own cap of half the cores, and trains on them. The step rates of 1 and N threads are
 * printed, alternated (they share the machine with Chromium's own threads).
 */
async function moreThreads(url, cores) {
  const want = Math.min(Math.max(2, cores), 8);
  const rates = { 1: [], [want]: [] };
  for (const n of [want, 1, want, 1]) {
    const page = await context.newPage();
    await page.goto(`${url}?threads=${n}`);
    await page.waitForFunction(() => document.querySelector('#train')?.textContent === 'Train', null, { timeout: 60_000 });
    const { threads } = await page.evaluate(() => window.flintDemo);
    if (threads !== n) fail(`?threads=${n}: the page runs ${threads} WASM thread(s)`);
    await page.click('#train');
    const t0 = Date.now();
    await page.waitForFunction((k) => window.flintDemo.step >= k || window.flintDemo.error, 30, { timeout: 120_000, polling: 100 });
    const { error, step } = await page.evaluate(() => window.flintDemo);
    if (error) fail(`?threads=${n}: training failed in the page: ${error}`);
    rates[n].push(step / ((Date.now() - t0) / 1000));
    await page.close();
  }
  const show = (n) => rates[n].map((r) => r.toFixed(1)).join(', ');
  log(`threads: ?threads=${want} runs ${want} WASM threads; MNIST steps/s on ${want} threads ${show(want)}, on 1 thread ${show(1)}`);
}

/**
 * Without --enable-unsafe-webgpu chromium has no adapter: `?backend=webgpu` and the select both
 * show the error, and the page stays on wasm (and can train there).
 */
async function noAdapter(url) {
  const page = await context.newPage();
  await page.goto(`${url}?backend=webgpu`);
  await page.waitForFunction(() => document.querySelector('#train')?.textContent === 'Train', null, { timeout: 60_000 });
  const { backend, backendError } = await page.evaluate(() => window.flintDemo);
  if (backend === 'webgpu') {
    log('this chromium gives a WebGPU adapter without --enable-unsafe-webgpu: the no-adapter check does not apply');
    return page.close();
  }
  if (backend !== 'wasm') fail(`no adapter: expected the page to stay on wasm, got '${backend}'`);
  if (!/WebGPU/.test(backendError ?? '')) fail(`no adapter: expected an error naming WebGPU, got ${JSON.stringify(backendError)}`);
  const shown = await page.locator('#backendError').textContent();
  if (!(await page.locator('#backendError').isVisible()) || shown !== backendError) fail(`no adapter: the page does not show the error (shows ${JSON.stringify(shown)})`);
  await page.selectOption('#backendSelect', 'webgpu');
  await page.waitForFunction(() => !document.querySelector('#backendSelect').disabled, null, { timeout: 30_000 });
  const after = await page.evaluate(() => ({ backend: window.flintDemo.backend, select: document.querySelector('#backendSelect').value }));
  if (after.backend !== 'wasm' || after.select !== 'wasm') fail(`no adapter: choosing webgpu in the select left backend ${after.backend}, select ${after.select}`);
  log(`no adapter: the page shows "${backendError}" and stays on wasm`);
  const shot = join(appDir, 'screenshots', 'no-webgpu.png');
  await page.screenshot({ path: shot });
  log(`screenshot ${shot}`);
  await page.close();
}

/** Chromium with SwiftShader's WebGPU adapter: both pages with `?backend=webgpu`, a few steps each. */
async function webgpuPass(url) {
  const passStart = Date.now();
  await launch([...ARGS, '--enable-unsafe-webgpu']);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  collectErrors(page, errors, 'webgpu ');
  await page.goto(`${url}?backend=webgpu`);
  await page.waitForFunction(() => document.querySelector('#train')?.textContent === 'Train', null, { timeout: 60_000 });
  const { backend, backendError } = await page.evaluate(() => window.flintDemo);
  const badge = await page.locator('#backend').textContent();
  if (backend !== 'webgpu') {
    fail(`webgpu pass: the page is on '${backend}', not webgpu: ${backendError ?? 'no error shown'} (chromium ${CHROMIUM} with --enable-unsafe-webgpu; FLINT_E2E_WEBGPU=0 skips this pass)`);
  }
  if ((await page.locator('#backend').getAttribute('data-backend')) !== 'webgpu') fail(`webgpu pass: the badge says ${badge}`);
  log(`webgpu pass: page ready on ${badge}`);

  const t0 = Date.now();
  await page.click('#train');
  await page.waitForFunction((n) => window.flintDemo.step >= n || window.flintDemo.error, WEBGPU_STEPS, { timeout: 240_000, polling: 250 });
  await page.click('#train'); // pause: the prediction gets the (slow) GPU to itself
  const { losses, error, accuracies } = await page.evaluate(() => window.flintDemo);
  if (error) fail(`webgpu pass: training failed in the page: ${error}`);
  const secs = (Date.now() - t0) / 1000;
  const first = mean(losses.slice(0, 3));
  const last = mean(losses.slice(-3));
  log(`webgpu: ${losses.length} steps in ${secs.toFixed(1)} s (${(secs / losses.length).toFixed(1)} s/step); loss ${first.toFixed(3)} → ${last.toFixed(3)} (means of 3); running accuracy ${(accuracies.at(-1) * 100).toFixed(1)}%`);
  if (!(last < first * 0.85)) fail(`webgpu pass: the loss did not fall: mean of the first 3 steps ${first.toFixed(4)}, of the last 3 ${last.toFixed(4)}`);
  const t1 = Date.now();
  const { digit, p } = await drawSeven(page);
  log(`webgpu: drew a 7, the page predicts ${digit} (p=${p.toFixed(2)}) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  const shot = join(appDir, 'screenshots', 'train-webgpu.png');
  await page.screenshot({ path: shot, fullPage: true });
  log(`screenshot ${shot}`);
  await page.close();

  await namesWebgpu(url, errors);
  const serious = errors.filter((e) => !/favicon/.test(e));
  if (serious.length > 0) fail(`webgpu pass: the pages reported errors:\n  ${serious.join('\n  ')}`);
  log(`webgpu pass: ${((Date.now() - passStart) / 1000).toFixed(1)} s`);
}

/**
 * The names page on WebGPU: a few steps, the loss falls. No sampling: on SwiftShader its dozen
 * forward passes of growing length take over a minute (the wasm pass checks it).
 */
async function namesWebgpu(url, errors) {
  const page = await context.newPage();
  collectErrors(page, errors, 'webgpu names ');
  await page.goto(`${url}names.html?backend=webgpu`);
  await page.waitForFunction(() => document.querySelector('#train')?.textContent === 'Train', null, { timeout: 60_000 });
  const { backend, backendError } = await page.evaluate(() => window.flintNames);
  if (backend !== 'webgpu') fail(`webgpu pass: the names page is on '${backend}', not webgpu: ${backendError ?? 'no error shown'}`);

  const t0 = Date.now();
  await page.click('#train');
  await page.waitForFunction((n) => window.flintNames.step >= n || window.flintNames.error, WEBGPU_NAME_STEPS, { timeout: 240_000, polling: 250 });
  await page.click('#train'); // pause
  await page.waitForFunction(() => document.querySelector('#train').textContent === 'Resume');
  const { losses, error } = await page.evaluate(() => window.flintNames);
  if (error) fail(`webgpu pass: names training failed: ${error}`);
  const secs = (Date.now() - t0) / 1000;
  log(`webgpu names: ${losses.length} steps in ${secs.toFixed(1)} s (${(secs / losses.length).toFixed(1)} s/step); loss ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
  if (!(losses.at(-1) < losses[0] * 0.95)) fail(`webgpu pass: names loss did not fall: ${losses.join(', ')}`);
  const shot = join(appDir, 'screenshots', 'names-webgpu.png');
  await page.screenshot({ path: shot, fullPage: true });
  log(`screenshot ${shot}`);
  await page.close();
}

/** The names page: trains the GPT a few steps on wasm; the loss falls and sampled names appear. */
async function namesPage(url, errors) {
  const page = await context.newPage();
  collectErrors(page, errors, 'names ');
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
