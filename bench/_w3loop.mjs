import { randint, randn } from '@flint/tensor';
import { CrossEntropyLoss } from '@flint/nn';
import { SGD } from '@flint/optim';
import { resnet18 } from '@flint/vision';
const model = resnet18({ numClasses: 10 });
const x = randn([16, 3, 32, 32]); const y = randint(0, 10, [16]);
const lossFn = new CrossEntropyLoss();
const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
for (let i = 0; i < 25; i++) { opt.zeroGrad(); const loss = lossFn(model(x), y); loss.backward(); opt.step(); loss.item(); }
