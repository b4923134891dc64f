/**
 * The Flint side of W1–W4 and the memory soak, written as a PyTorch user would write it: no
 * dispose, no scope. Imports the BUILT packages (`pnpm run build` first). D1/D2 are in
 * dispatch.mjs.
 */
import { getBackend, memory, randint, randn } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { CrossEntropyLoss, F, Linear, Module, ReLU, Sequential } from '@flint/nn';
import { SGD } from '@flint/optim';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, resnet18 } from '@flint/vision';
import { cliOptions, report, reportError, timeSteps } from '../lib/measure.mjs';

const opts = cliOptions();

const mlp = () => new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));

/** The seed's residual block (conv-bn-relu-conv-bn, relu(x + out), conv biases on) + pool + linear. */
class SeedResidual extends Module {
  constructor(ch = 64, classes = 10) {
    super();
    this.conv1 = new Conv2d(ch, ch, 3, { padding: 1 });
    this.bn1 = new BatchNorm2d(ch);
    this.conv2 = new Conv2d(ch, ch, 3, { padding: 1 });
    this.bn2 = new BatchNorm2d(ch);
    this.pool = new AdaptiveAvgPool2d(1);
    this.fc = new Linear(ch, classes);
  }
  forward(x) {
    let out = F.relu(this.bn1(this.conv1(x)));
    out = this.bn2(this.conv2(out));
    out = F.relu(x.add(out));
    return this.fc(this.pool(out).flatten(1));
  }
}

/** The canonical PyTorch training step: zero_grad, forward, loss, backward, step, loss.item(). */
function trainStep(model, xShape) {
  const x = randn(xShape);
  const y = randint(0, 10, [xShape[0]]);
  const lossFn = new CrossEntropyLoss();
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return () => {
    opt.zeroGrad();
    const loss = lossFn(model(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  };
}

function inference(model, xShape) {
  model.eval();
  const x = randn(xShape);
  return () => noGrad(() => model(x)).dataSync()[0];
}

/** 2,000 W1 steps: live backend bytes at step 100 and at the end, and peak RSS. */
async function soak() {
  const step = trainStep(mlp(), [128, 784]);
  let peakRss = 0;
  let bytesAt100 = null;
  const t0 = performance.now();
  for (let i = 1; i <= opts.steps; i++) {
    step();
    if (i === 100) bytesAt100 = memory().numBytes;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const end = memory();
  return {
    steps: opts.steps,
    step_ms: (performance.now() - t0) / opts.steps,
    numBytes_at_100: bytesAt100,
    numBytes_end: end.numBytes,
    numTensors_end: end.numTensors,
    peak_rss_bytes: peakRss,
  };
}

const workloads = {
  W1: () => trainStep(mlp(), [128, 784]),
  W2: () => trainStep(new SeedResidual(), [16, 64, 32, 32]),
  W3: () => trainStep(resnet18({ numClasses: 10 }), [16, 3, 32, 32]),
  W4: () => inference(resnet18({ numClasses: 10 }), [8, 3, 64, 64]),
};

try {
  if (opts.workload === 'soak') {
    report({ workload: 'soak', impl: 'flint', backend: getBackend(), ...(await soak()) });
  } else {
    const make = workloads[opts.workload];
    if (!make) throw new Error(`flint.mjs: unknown workload ${opts.workload}`);
    const result = await timeSteps(make(), opts);
    report({ workload: opts.workload, impl: 'flint', backend: getBackend(), ...result });
  }
} catch (err) {
  reportError(opts.workload, err);
}
