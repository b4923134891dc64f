/**
 * The tfjs side of W1–W4: what a user picks today in JavaScript, tfjs-layers 4.22 models (NHWC, as
 * tfjs wants) trained with `optimizer.minimize`, the same shapes and SGD-momentum settings as
 * flint-steps.mjs and torch_bench.py. Shared by tfjs.mjs (its own process) and same-process.mjs.
 */
import { tf, tfl } from '../lib/tfjs.mjs';

function mlp() {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
      tfl.layers.dense({ units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

/** conv (PyTorch padding p done as zero padding + 'valid', as torch pads symmetrically). */
function conv(x, filters, kernelSize, { strides = 1, padding = 0, useBias = false } = {}) {
  const padded = padding > 0 ? tfl.layers.zeroPadding2d({ padding }).apply(x) : x;
  return tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'valid', useBias }).apply(padded);
}
const bn = (x) => tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5 }).apply(x);
const relu = (x) => tfl.layers.reLU().apply(x);

/** The seed's residual block (conv biases on) + global average pool + linear. */
function seedResidual() {
  const input = tfl.input({ shape: [32, 32, 64] });
  let out = relu(bn(conv(input, 64, 3, { padding: 1, useBias: true })));
  out = bn(conv(out, 64, 3, { padding: 1, useBias: true }));
  out = relu(tfl.layers.add().apply([input, out]));
  const logits = tfl.layers.dense({ units: 10 }).apply(tfl.layers.globalAveragePooling2d({}).apply(out));
  return tfl.model({ inputs: input, outputs: logits });
}

/** torchvision's BasicBlock. */
function basicBlock(x, planes, stride) {
  const inPlanes = x.shape[x.shape.length - 1];
  let out = relu(bn(conv(x, planes, 3, { strides: stride, padding: 1 })));
  out = bn(conv(out, planes, 3, { padding: 1 }));
  const identity = stride !== 1 || inPlanes !== planes ? bn(conv(x, planes, 1, { strides: stride })) : x;
  return relu(tfl.layers.add().apply([out, identity]));
}

/** torchvision's resnet18 in the tf.layers functional API. */
function resnet18(size, numClasses = 10) {
  const input = tfl.input({ shape: [size, size, 3] });
  let x = relu(bn(conv(input, 64, 7, { strides: 2, padding: 3 })));
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(tfl.layers.zeroPadding2d({ padding: 1 }).apply(x));
  for (const [planes, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    x = basicBlock(x, planes, stride);
    x = basicBlock(x, planes, 1);
  }
  const logits = tfl.layers.dense({ units: numClasses }).apply(tfl.layers.globalAveragePooling2d({}).apply(x));
  return tfl.model({ inputs: input, outputs: logits });
}

/** One SGD-momentum training step with softmax cross-entropy, loss read back as PyTorch's `.item()`. */
function trainStep(model, xShape) {
  const x = tf.randomNormal(xShape);
  const y = tf.cast(tf.oneHot(tf.randomUniform([xShape[0]], 0, 10, 'int32'), 10), 'float32');
  const opt = tf.train.momentum(0.01, 0.9);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true);
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
}

function inference(model, xShape) {
  const x = tf.randomNormal(xShape);
  return () => tf.tidy(() => model.predict(x).dataSync()[0]);
}

/** Step factories, as flint-steps.mjs's. */
export const workloads = {
  W1: () => trainStep(mlp(), [128, 784]),
  W2: () => trainStep(seedResidual(), [16, 32, 32, 64]),
  W3: () => trainStep(resnet18(32), [16, 32, 32, 3]),
  W4: () => inference(resnet18(64), [8, 64, 64, 3]),
};
