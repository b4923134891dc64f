/**
 * A checkpoint's round trip, as a user would make it: a small CNN trained in Flint and saved with
 * `save`; loaded in PyTorch (`torch.load(weights_only=True)`, `load_state_dict(strict=True)`),
 * fine-tuned one SGD step there and saved with `torch.save`; loaded back in Flint. The logits are
 * compared at every hop (and printed). Runs when /usr/bin/python3 has torch; skipped with the
 * reason printed otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { load, manualSeed, randint, randn, save, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { CrossEntropyLoss, Flatten, Linear, ReLU, Sequential } from '@flint/nn';
import { SGD } from '@flint/optim';
import { Conv2d, MaxPool2d } from '@flint/vision';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch) console.log(`checkpoint round trip skipped: ${PYTHON} cannot import torch`);
const work = mkdtempSync(join(tmpdir(), 'flint-roundtrip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const net = () => new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3));
const TORCH_NET = 'nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 3))';
const maxDiff = (a: Tensor, b: Tensor) => Math.max(...Array.from(a.dataSync(), (v, i) => Math.abs(v - b.dataSync()[i]!)));

it.skipIf(!hasTorch)('Flint → PyTorch (one fine-tuning step) → Flint keeps the logits at every hop', () => {
  manualSeed(0);
  const model = net();
  const x = randn([6, 1, 8, 8]);
  const y = randint(0, 3, [6]);
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const lossFn = new CrossEntropyLoss();
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    lossFn(model(x), y).backward();
    opt.step();
  }
  const logits0 = noGrad(() => model(x));
  writeFileSync(join(work, 'flint.pt'), save({ model: model.stateDict(), x, y, logits: logits0 }));

  const out = spawnSync(
    PYTHON,
    [
      '-c',
      `
import torch, torch.nn as nn
ck = torch.load('flint.pt', weights_only=True)
m = ${TORCH_NET}
m.load_state_dict(ck['model'], strict=True)
x, y = ck['x'], ck['y'].long()
with torch.no_grad():
    before = m(x)
print('hop1', float((before - ck['logits']).abs().max()))
opt = torch.optim.SGD(m.parameters(), lr=0.1)
opt.zero_grad(); nn.functional.cross_entropy(m(x), y).backward(); opt.step()
with torch.no_grad():
    after = m(x)
torch.save({'model': m.state_dict(), 'logits': after}, 'torch.pt')
print('changed', float((after - before).abs().max()))
`,
    ],
    { encoding: 'utf8', cwd: work },
  );
  expect(out.status, out.stderr).toBe(0);
  const hop1 = Number(/hop1 (\S+)/.exec(out.stdout)![1]);
  const changed = Number(/changed (\S+)/.exec(out.stdout)![1]);

  const back = load(readFileSync(join(work, 'torch.pt'))) as { model: Record<string, Tensor>; logits: Tensor };
  const again = net();
  again.loadStateDict(back.model);
  const logits2 = noGrad(() => again(x));
  const hop2 = maxDiff(logits2, back.logits);
  console.log(`round trip: Flint → PyTorch logits differ by ${hop1.toExponential(2)}; PyTorch's step moved them by ${changed.toFixed(4)}; PyTorch → Flint logits differ by ${hop2.toExponential(2)}`);
  expect(hop1).toBeLessThan(1e-5);
  expect(changed).toBeGreaterThan(1e-3);
  expect(hop2).toBeLessThan(1e-5);
});
