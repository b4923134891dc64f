/**
 * Trains a small CNN on an MNIST subset in the browser, on Flint's WASM-SIMD backend, with a live
 * chart; then classifies digits drawn on the pad. The training loop is PyTorch's, with one
 * `await` per step so the page stays responsive.
 */
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { Generator, getBackend, getNumThreads, manualSeed, ready, setWasmPaths, tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { CrossEntropyLoss } from '@flint/nn';
import { Adam } from '@flint/optim';
import { DataLoader } from '@flint/data';
import { datasets, transforms } from '@flint/vision';
import { drawChart, type ChartData } from './chart.js';
import { setupPad, showMnist, toMnist } from './draw.js';
import { smallCnn } from './model.js';

// The bundler serves the WASM binaries from these URLs; the backend starts at ready().
setWasmPaths({ 'tfjs-backend-wasm.wasm': plainWasm, 'tfjs-backend-wasm-simd.wasm': simdWasm, 'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm });
await ready();

const EPOCHS = 4;
const BATCH = 32;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const trainButton = $<HTMLButtonElement>('train');
const status = $<HTMLSpanElement>('status');
const chart = $<HTMLCanvasElement>('chart');
const threads = getNumThreads();
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
$('backend').textContent = `${getBackend() === 'wasm' ? 'wasm (WASM-SIMD)' : getBackend()}, ${threads} thread${threads === 1 ? '' : 's'}${isolated ? '' : ' (not cross-origin isolated)'}`;
$('backend').dataset.backend = getBackend();

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
  backend: getBackend(),
  threads,
  crossOriginIsolated: isolated,
  step: 0,
  epoch: 0,
  running: false,
  done: false,
  losses: [] as number[],
  accuracies: [] as number[],
  tests: [] as [number, number][],
  prediction: null as null | { digit: number; probs: number[] },
  error: null as string | null,
};
(window as unknown as { flintDemo: typeof state }).flintDemo = state;
const chartData: ChartData = { losses: state.losses, accuracies: state.accuracies, tests: state.tests, totalSteps: EPOCHS * loader.length };

const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
let resume: (() => void) | null = null;

function evaluate(): number {
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (const [x, y] of testLoader) correct += model(x).argmax(1).eq(y).sum().item();
  });
  model.train();
  return correct / test.length;
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
      recent = [...recent.slice(-9), { loss: loss.item(), correct: out.argmax(1).eq(y).sum().item(), seen: n }];
      state.step++;
      state.losses.push(recent.at(-1)!.loss);
      state.accuracies.push(recent.reduce((a, b) => a + b.correct, 0) / recent.reduce((a, b) => a + b.seen, 0));
      status.dataset.step = String(state.step);
      status.textContent = `epoch ${state.epoch}/${EPOCHS} · step ${state.step}/${chartData.totalSteps} · loss ${state.losses.at(-1)!.toFixed(3)} · acc ${(state.accuracies.at(-1)! * 100).toFixed(1)}% · ${Math.round((n * 1000) / (performance.now() - t0))} img/s`;
      drawChart(chart, chartData);
      await nextFrame();
      if (!state.running) await new Promise<void>((r) => (resume = r));
    }
    state.tests.push([state.step, evaluate()]);
    drawChart(chart, chartData);
    await nextFrame();
  }
  state.done = true;
  state.running = false;
  trainButton.textContent = 'Done';
  trainButton.disabled = true;
  status.textContent += ` · test accuracy ${(state.tests.at(-1)![1] * 100).toFixed(1)}%`;
  predict();
}

trainButton.addEventListener('click', () => {
  if (state.done) return;
  state.running = !state.running;
  trainButton.textContent = state.running ? 'Pause' : 'Resume';
  if (state.running) {
    if (state.step === 0 && !resume) {
      trainLoop().catch((err: Error) => {
        state.error = err.message;
        status.textContent = `error: ${err.message}`;
        console.error(err);
      });
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

function predict(): void {
  const pixels = toMnist(pad);
  showMnist($<HTMLCanvasElement>('input28'), pixels);
  if (!pixels) return;
  model.eval();
  const probs = noGrad(() => {
    const x = transform(tensor(Float32Array.from(pixels), { shape: [1, 28, 28] }));
    return Array.from(model(x).softmax(1).dataSync());
  });
  model.train();
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

const { clear } = setupPad(pad, () => predict());
$('clear').addEventListener('click', () => {
  clear();
  showMnist($<HTMLCanvasElement>('input28'), null);
  predictionEl.textContent = '?';
  delete predictionEl.dataset.digit;
  probsEl.replaceChildren();
  state.prediction = null;
});
