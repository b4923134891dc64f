/**
 * js-pytorch 0.7.2 (the README's API): W1 only, as it has no Conv2d. It has no SGD, so the step
 * uses its `optim.Adam`, the optimizer its README trains with.
 */
import { torch } from 'js-pytorch';
import { cliOptions, report, reportError, timeSteps } from '../lib/measure.mjs';

const opts = cliOptions();
const nn = torch.nn;

class MLP extends nn.Module {
  constructor() {
    super();
    this.l1 = new nn.Linear(784, 512);
    this.relu1 = new nn.ReLU();
    this.l2 = new nn.Linear(512, 256);
    this.relu2 = new nn.ReLU();
    this.l3 = new nn.Linear(256, 10);
  }
  forward(x) {
    return this.l3.forward(this.relu2.forward(this.l2.forward(this.relu1.forward(this.l1.forward(x)))));
  }
}

try {
  if (opts.workload !== 'W1') throw new Error(`js-pytorch.mjs: only W1 (got ${opts.workload})`);
  const model = new MLP();
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new torch.optim.Adam(model.parameters(), 1e-3);
  const x = torch.randn([128, 784]);
  const y = torch.randint(0, 10, [128]);
  const step = () => {
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
    optimizer.zero_grad();
    return loss.data[0];
  };
  report({ workload: 'W1', impl: 'js-pytorch', optimizer: 'Adam', ...(await timeSteps(step, opts)) });
} catch (err) {
  reportError(opts.workload, err);
}
