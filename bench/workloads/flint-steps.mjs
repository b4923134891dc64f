/**
 * The Flint steps of W1–W4, written as a PyTorch user would write them: no dispose, no scope.
 * Shared by flint.mjs (timing), ab.mjs (through flint.mjs) and profile.mjs.
 */
import { randint, randn } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { CrossEntropyLoss, F, LSTM, Linear, Module, ReLU, Sequential } from '@flint/nn';
import { SGD } from '@flint/optim';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, resnet18 } from '@flint/vision';

export const mlp = () => new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));

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

/** W6: a 2-layer LSTM (128 → 256) over [64, 32, 128] with a Linear(256, 10) head on every step. */
export class LstmTagger extends Module {
  constructor() {
    super();
    this.lstm = new LSTM(128, 256, { numLayers: 2 });
    this.fc = new Linear(256, 10);
  }
  forward(x) {
    const [out] = this.lstm(x);
    return this.fc(out).flatten(0, 1);
  }
}

/**
 * The canonical PyTorch training step: zero_grad, forward, loss, backward, step, loss.item().
 * With `readAsync` (a backend that reads only asynchronously: webgpu) the step ends with
 * `await loss.itemAsync()` instead, and returns its promise.
 */
export function trainStep(model, xShape, targets = xShape[0], readAsync = false) {
  const x = randn(xShape);
  const y = randint(0, 10, [targets]);
  const lossFn = new CrossEntropyLoss();
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return () => {
    opt.zeroGrad();
    const loss = lossFn(model(x), y);
    loss.backward();
    opt.step();
    return readAsync ? loss.itemAsync() : loss.item();
  };
}

export function inference(model, xShape, readAsync = false) {
  model.eval();
  const x = randn(xShape);
  return () => {
    const out = noGrad(() => model(x));
    return readAsync ? out.data() : out.dataSync()[0];
  };
}

/** Step factories: each returns a function that runs one step (`readAsync`: see trainStep). */
export const workloads = {
  W1: (readAsync) => trainStep(mlp(), [128, 784], 128, readAsync),
  W2: (readAsync) => trainStep(new SeedResidual(), [16, 64, 32, 32], 16, readAsync),
  W3: (readAsync) => trainStep(resnet18({ numClasses: 10 }), [16, 3, 32, 32], 16, readAsync),
  W4: (readAsync) => inference(resnet18({ numClasses: 10 }), [8, 3, 64, 64], readAsync),
  W6: (readAsync) => trainStep(new LstmTagger(), [64, 32, 128], 64 * 32, readAsync),
};

