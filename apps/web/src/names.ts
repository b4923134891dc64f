/**
 * Trains the names GPT of apps/names (the same model module, `apps/names/src/model.ts`) on the
 * 8,422 first names in the browser, on Flint's WASM-SIMD backend or on WebGPU (the switch:
 * backend-switch.ts), and samples new names every few steps. The loop is the command line's; its
 * reads are awaited, as WebGPU needs, and one `await` per step keeps the page responsive.
 */
import { Generator, manualSeed } from '@flint/tensor';
import { AdamW, lrScheduler } from '@flint/optim';
import { DataLoader, TensorDataset } from '@flint/data';
import { bigramLoss } from '../../names/src/bigram.js';
import { NamesGPT } from '../../names/src/model.js';
import { sampleNames } from '../../names/src/sample.js';
import { evaluate, rows, trainStep } from '../../names/src/train.js';
import { blockSizeFor, encodeNames, splitNames, Vocab } from '../../names/src/vocab.js';
import { setupBackendSwitch, startWasm } from './backend-switch.js';
import { drawChart, type ChartData } from './chart.js';

const backend = await startWasm();

// The command line's defaults (apps/names/src/args.ts).
const SEED = 0;
const EPOCHS = 2;
const BATCH = 32;
const LR = 5e-3;
const SAMPLE_EVERY = 20;
const SAMPLES = 12;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const trainButton = $<HTMLButtonElement>('train');
const status = $<HTMLSpanElement>('status');
const chart = $<HTMLCanvasElement>('chart');
const temperatureInput = $<HTMLInputElement>('temperature');
$('every').textContent = String(SAMPLE_EVERY);

const res = await fetch(`${import.meta.env.BASE_URL}data/names.json`);
if (!res.ok) throw new Error(`fetch names.json: HTTP ${res.status} (run \`pnpm --filter ./apps/web data\` to generate it)`);
const names = (await res.json()) as string[];
const known = new Set(names);

manualSeed(SEED);
const vocab = Vocab.fromNames(names);
const blockSize = blockSizeFor(names);
const { train, test } = splitNames(names, 0.1);
const bigram = bigramLoss(train, test, vocab);
const trainData = encodeNames(train, vocab, blockSize);
const testData = encodeNames(test, vocab, blockSize);
const [xTest, yTest] = [rows(testData.x, blockSize), rows(testData.y, blockSize)];
const loader = new DataLoader(new TensorDataset(rows(trainData.x, blockSize), rows(trainData.y, blockSize)), { batchSize: BATCH, shuffle: true, generator: new Generator(SEED) });
const model = new NamesGPT({ vocabSize: vocab.size, blockSize, nEmbd: 64, nHead: 4, nLayer: 2, dropout: 0.1 });
const opt = new AdamW(model.parameters(), { lr: LR, weightDecay: 0.01 });
const scheduler = new lrScheduler.CosineAnnealingLR(opt, { TMax: EPOCHS * loader.length });
const sampler = new Generator(SEED);
$('ntrain').textContent = train.length.toLocaleString('en-US');
$('arch').textContent = `${model.numParams().toLocaleString('en-US')} parameters: 2 blocks, 4 heads, width 64`;

/** What the page shows, also read by the end-to-end test (`window.flintNames`). */
const state = {
  ...backend,
  step: 0,
  epoch: 0,
  running: false,
  done: false,
  losses: [] as number[],
  accuracies: [] as number[],
  bigram,
  testLosses: [] as [number, number][],
  /** Each sampling: the step and the names. */
  samples: [] as { step: number; names: string[] }[],
  error: null as string | null,
};
(window as unknown as { flintNames: typeof state }).flintNames = state;
// The model above moves to the chosen backend by itself (its tensors go through the CPU).
const backendSwitch = await setupBackendSwitch(state, trainButton);
const chartData: ChartData = { losses: state.losses, accuracies: state.accuracies, tests: [], totalSteps: EPOCHS * loader.length };

function showLosses(): void {
  const t = state.testLosses.at(-1);
  $('losses').textContent =
    `bigram baseline: ${bigram.toFixed(3)} nats/char · ` +
    (t ? `test loss after epoch ${state.testLosses.length}: ${t[1].toFixed(3)} nats/char (${(100 * (1 - t[1] / bigram)).toFixed(1)}% below the bigram)` : 'test loss: after the first epoch');
}

/** Counts samplings: one still being read when the temperature changes again is dropped. */
let samplings = 0;

async function sample(): Promise<void> {
  const id = ++samplings;
  const temperature = Number(temperatureInput.value);
  const drawn = await sampleNames(model, vocab, { count: SAMPLES, temperature, generator: sampler });
  if (id !== samplings) return;
  state.samples.push({ step: state.step, names: drawn });
  $('samples').replaceChildren(
    ...drawn.map((n) => {
      const li = document.createElement('li');
      li.textContent = n || '(empty)';
      if (!known.has(n)) li.className = 'new';
      return li;
    }),
  );
}

/** Shows an error of training or sampling on the page (and to the end-to-end test). */
function showError(err: Error): void {
  state.error = err.message;
  status.textContent = `error: ${err.message}`;
  console.error(err);
}

const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
let resume: (() => void) | null = null;

async function trainLoop(): Promise<void> {
  model.train();
  let recent: { loss: number; correct: number; chars: number }[] = [];
  for (state.epoch = 1; state.epoch <= EPOCHS; state.epoch++) {
    for (const [x, y] of loader) {
      const t0 = performance.now();
      const r = await trainStep(model, opt, x, y);
      scheduler.step();
      recent = [...recent.slice(-9), r];
      state.step++;
      state.losses.push(r.loss);
      state.accuracies.push(recent.reduce((a, b) => a + b.correct, 0) / recent.reduce((a, b) => a + b.chars, 0));
      status.dataset.step = String(state.step);
      status.textContent = `epoch ${state.epoch}/${EPOCHS} · step ${state.step}/${chartData.totalSteps} · loss ${r.loss.toFixed(3)} · ${Math.round((x.shape[0]! * 1000) / (performance.now() - t0))} names/s`;
      if (state.step % SAMPLE_EVERY === 0) await sample();
      drawChart(chart, chartData);
      await nextFrame();
      if (!state.running) await new Promise<void>((r) => (resume = r));
    }
    state.testLosses.push([state.step, (await evaluate(model, xTest, yTest)).loss]);
    showLosses();
    await nextFrame();
  }
  await sample();
  state.done = true;
  state.running = false;
  trainButton.textContent = 'Done';
  trainButton.disabled = true;
}

trainButton.addEventListener('click', () => {
  if (state.done) return;
  state.running = !state.running;
  trainButton.textContent = state.running ? 'Pause' : 'Resume';
  if (!state.running) return;
  if (state.step === 0 && !resume) {
    backendSwitch.lock();
    trainLoop().catch(showError);
  } else {
    resume?.();
    resume = null;
  }
});
temperatureInput.addEventListener('input', () => {
  $('tempValue').textContent = Number(temperatureInput.value).toFixed(1);
  if (state.step > 0 && !state.running) sample().catch(showError);
});
trainButton.textContent = 'Train';
trainButton.disabled = false;
status.textContent = `ready: ${train.length} training names, ${test.length} test names, batch ${BATCH}, ${EPOCHS} epochs`;
showLosses();
drawChart(chart, chartData);
