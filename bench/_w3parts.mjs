import { randint, randn } from '@flint/tensor';
import { CrossEntropyLoss } from '@flint/nn';
import { SGD } from '@flint/optim';
import { resnet18 } from '@flint/vision';
const model = resnet18({ numClasses: 10 });
const x = randn([16, 3, 32, 32]); const y = randint(0, 10, [16]);
const lossFn = new CrossEntropyLoss();
const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const acc = { zero: 0, fwd: 0, bwd: 0, step: 0, item: 0 };
for (let i = 0; i < 12; i++) {
  let t = performance.now(); const lap = (k) => { const n = performance.now(); if (i >= 2) acc[k] += n - t; t = n; };
  opt.zeroGrad(); lap('zero');
  const loss = lossFn(model(x), y); lap('fwd');
  loss.backward(); lap('bwd');
  opt.step(); lap('step');
  loss.item(); lap('item');
}
console.log(Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, (v / 10).toFixed(1)])));
