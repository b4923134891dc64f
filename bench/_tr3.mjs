import * as tf from '@tensorflow/tfjs-core';
import { randn } from '@flint/tensor';
import { transpose2d, transposeLast2 } from '../packages/tensor/dist/ops/fast-transpose.js';
randn([2]);
const time = (f) => { let best = 1e9; for (let k = 0; k < 15; k++) { const t0 = performance.now(); const y = f(); best = Math.min(best, performance.now() - t0); y.dispose(); } return best.toFixed(3); };
for (const s of [[16, 64, 1024], [16, 1024, 64], [16, 64, 256], [16, 256, 64], [16, 128, 64], [16, 3, 1024], [16, 64, 4096], [16, 4096, 64]]) {
  const x = tf.randomNormal(s);
  console.log(s.join('x'), 'tf', time(() => tf.transpose(x, [0, 2, 1])), 'heap', time(() => transposeLast2(x)));
}
for (const s of [[1024, 16], [16, 1024], [4096, 16], [147, 64], [64, 147], [2304, 256]]) {
  const x = tf.randomNormal(s);
  console.log(s.join('x'), 'tf', time(() => tf.transpose(x)), 'heap', time(() => transpose2d(x)));
}
