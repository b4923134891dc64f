/**
 * Trains a small CNN on an MNIST subset in the browser, on Flint's WASM-SIMD backend or on WebGPU
 * (the switch: backend-switch.ts), with a live chart; then classifies digits drawn on the pad. The
 * training loop is PyTorch's. Its reads are awaited (`await loss.itemAsync()`), as WebGPU needs,
 * and one `await` per step keeps the page responsive.
 */
import { Generator, manualSeed, tensor, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { CrossEntropyLoss } from '@flint/nn';
import { Adam } from '@flint/optim';
import { DataLoader } from '@flint/data';
import { datasets, transforms } from '@flint/vision';
import { drawChart, type ChartData } from './chart.js';
import { setupPad, showMnist, toMnist } from './draw.js';
import { setupBackendSwitch, startWasm } from './backend-switch.js';
import { smallCnn } from './model.js';

const backend = await startWasm();

const EPOCHS = 4;
const BATCH = 32;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const trainButton = $<HTMLButtonElement>('train');
const status = $<HTMLSpanElement>('status');
const chart = $<HTMLCanvasElement>('chart');

async function fetchBytes(name: string): Promise<Uint8Array> {
  const res = await fetch(`${import.meta.env.BASE_URL}data/${name}`);
  if (!res.ok) throw new Error(`fetch ${name}: HTTP ${res.status} (run \`pnpm --filter ./apps/web data\` to generate the subset)`);
  return new Uint8Array(await res.arrayBuffer());
}

const transform = transforms.compose([transforms.toTensor(), transforms.normalize([0.1307], [0.3081])]);
const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
  ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(fetchBytes),
);
const train = datasets.MNIST.fromBuffers(trainImages!, trainLabels!, { train: true, transform });
const test = datasets.MNIST.fromBuffers(testImages!, testLabels!, { train: false, transform });
$('ntrain').textContent = train.length.toLocaleString('en-US');

manualSeed(0);
const model = smallCnn();
const opt = new Adam(model.parameters(), { lr: 2e-3 });
const lossFn = new CrossEntropyLoss();
const loader = new DataLoader(train, { batchSize: BATCH, shuffle: true, generator: new Generator(0) });
const testLoader = new DataLoader(test, { batchSize: 100 });

/** What the page shows, also read by the end-to-end test (`window.flintDemo`). */
const state = {
  ...backend,
  step: 0,
  epoch: 0,
  running: false,
  done: false,
  losses: [] as number[],
  accuracies: [] as number[],
  tests: [] as [number, number][],
  prediction: null as null | { digit: number; probs: number[] },
  /** A prediction is being computed (or will be again: the pad changed meanwhile). */
  predicting: false,
  error: null as string | null,
};
(window as unknown as { flintDemo: typeof state }).flintDemo = state;
// The model above moves to the chosen backend by itself (its tensors go through the CPU).
const backendSwitch = await setupBackendSwitch(state, trainButton);
const chartData: ChartData = { losses: state.losses, accuracies: state.accuracies, tests: state.tests, totalSteps: EPOCHS * loader.length };

const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
let resume: (() => void) | null = null;

/**
 * `model(x)` in eval mode without gradients, back in training mode before it returns: the reads
 * awaited afterwards never leave the model in the wrong mode for a training step or a prediction
 * that runs meanwhile.
 */
function infer(x: Tensor): Tensor {
  model.eval();
  try {
    return noGrad(() => model(x));
  } finally {
    model.train();
  }
}

/** Accuracy on the test images. */
async function evaluate(): Promise<number> {
  let correct = 0;
  for (const [x, y] of testLoader) correct += await infer(x).argmax(1).eq(y).sum().itemAsync();
  return correct / test.length;
}

/** Shows an error of training or prediction on the page (and to the end-to-end test). */
function showError(err: Error): void {
  state.error = err.message;
  status.textContent = `error: ${err.message}`;
  console.error(err);
}

async function trainLoop(): Promise<void> {
  model.train();
  let recent: { loss: number; correct: number; seen: number }[] = [];
  for (state.epoch = 1; state.epoch <= EPOCHS; state.epoch++) {
    for (const [x, y] of loader) {
      const t0 = performance.now();
      opt.zeroGrad();
      const out = model(x);
      const loss = lossFn(out, y);
      loss.backward();
      opt.step();
      const n = y.shape[0]!;
      const correct = out.argmax(1).eq(y).sum();
      recent = [...recent.slice(-9), { loss: await loss.itemAsync(), correct: await correct.itemAsync(), seen: n }];
      state.step++;
      state.losses.push(recent.at(-1)!.loss);
      state.accuracies.push(recent.reduce((a, b) => a + b.correct, 0) / recent.reduce((a, b) => a + b.seen, 0));
      status.dataset.step = String(state.step);
      status.textContent = `epoch ${state.epoch}/${EPOCHS} · step ${state.step}/${chartData.totalSteps} · loss ${state.losses.at(-1)!.toFixed(3)} · acc ${(state.accuracies.at(-1)! * 100).toFixed(1)}% · ${Math.round((n * 1000) / (performance.now() - t0))} img/s`;
      drawChart(chart, chartData);
      await nextFrame();
      if (!state.running) await new Promise<void>((r) => (resume = r));
    }
    state.tests.push([state.step, await evaluate()]);
    drawChart(chart, chartData);
    await nextFrame();
  }
  state.done = true;
  state.running = false;
  trainButton.textContent = 'Done';
  trainButton.disabled = true;
  status.textContent += ` · test accuracy ${(state.tests.at(-1)![1] * 100).toFixed(1)}%`;
  await predict();
}

trainButton.addEventListener('click', () => {
  if (state.done) return;
  state.running = !state.running;
  trainButton.textContent = state.running ? 'Pause' : 'Resume';
  if (state.running) {
    if (state.step === 0 && !resume) {
      backendSwitch.lock();
      trainLoop().catch(showError);
    } else {
      resume?.();
      resume = null;
    }
  }
});
trainButton.textContent = 'Train';
trainButton.disabled = false;
status.textContent = `ready: ${train.length} training images, ${test.length} test images, batch ${BATCH}, ${EPOCHS} epochs`;
drawChart(chart, chartData);

// ---- drawing and prediction ----------------------------------------------------------------

const pad = $<HTMLCanvasElement>('draw');
const probsEl = $<HTMLDivElement>('probs');
const predictionEl = $<HTMLDivElement>('prediction');

/** The pad changed (or was cleared) while a prediction was being computed. */
let stale = false;

/**
 * Classifies the pad's drawing. The pad calls this while you draw; one prediction runs at a time,
 * and changes made meanwhile get one more prediction after it (so a slow GPU does not pile up
 * work or show a stale digit).
 */
async function predict(): Promise<void> {
  if (state.predicting) {
    stale = true;
    return;
  }
  state.predicting = true;
  try {
    do {
      stale = false;
      await predictOnce();
    } while (stale);
  } finally {
    state.predicting = false;
  }
}

async function predictOnce(): Promise<void> {
  const pixels = toMnist(pad);
  showMnist($<HTMLCanvasElement>('input28'), pixels);
  if (!pixels) return;
  const x = transform(tensor(Float32Array.from(pixels), { shape: [1, 28, 28] }));
  const probs = Array.from(await infer(x).softmax(1).data());
  if (stale) return;
  const digit = probs.indexOf(Math.max(...probs));
  state.prediction = { digit, probs };
  predictionEl.textContent = String(digit);
  predictionEl.dataset.digit = String(digit);
  probsEl.replaceChildren(
    ...probs.flatMap((p, d) => {
      const label = document.createElement('span');
      label.textContent = String(d);
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${Math.max(1, p * 120)}px`;
      const pct = document.createElement('span');
      pct.textContent = `${Math.round(p * 100)}%`;
      return [label, bar, pct];
    }),
  );
}

const { clear } = setupPad(pad, () => void predict().catch(showError));
$('clear').addEventListener('click', () => {
  if (state.predicting) stale = true;
  clear();
  showMnist($<HTMLCanvasElement>('input28'), null);
  predictionEl.textContent = '?';
  delete predictionEl.dataset.digit;
  probsEl.replaceChildren();
  state.prediction = null;
});
