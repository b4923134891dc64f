/**
 * PyTorch checkpoints end to end: state dicts written by `torch.save` (PyTorch 1.13, from
 * scripts/fixtures/checkpoint_cases.py) load into Flint's layers with `loadStateDict` (strict) and
 * give PyTorch's outputs; a torchvision ResNet-18 is built and compared at test time when
 * /usr/bin/python3 has torchvision (45 MB, so not committed); and files written by Flint's `save`
 * load in PyTorch (`torch.load` + `load_state_dict(strict=True)`, values compared) — a Python
 * check that runs when /usr/bin/python3 has torch and is skipped with the reason printed otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { arange, load, manualSeed, randn, save, Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { Embedding, F, GroupNorm, LayerNorm, Linear, LSTM, ModuleDict, MultiheadAttention, Sequential, Tanh, TransformerEncoderLayer, type Module } from '@flint/nn';
import { BatchNorm2d, Conv2d, ResidualBlock, resnet18 } from '@flint/vision';
import { Adam } from '@flint/optim';

const fixture = (name: string) => load(readFileSync(new URL(name, import.meta.url)), { source: name });
const values = (t: Tensor) => Array.from(t.dataSync());
const expectClose = (got: Tensor, want: Tensor, tol: number, what: string) => {
  expect(got.shape, what).toEqual(want.shape);
  const a = values(got);
  const b = values(want);
  const worst = a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!) / (1 + Math.abs(b[i]!))), 0);
  expect(worst, what).toBeLessThanOrEqual(tol);
};

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision; print(torch.__version__)'], { encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch) console.log(`checkpoint tests against live PyTorch skipped: ${PYTHON} cannot import torch and torchvision (${(probe.stderr || String(probe.error)).trim().split('\n').pop()})`);
const work = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const python = (script: string) => {
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', cwd: work, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

/** The layers of tests/checkpoints/layers.pt, built in Flint. */
function layers(): ModuleDict {
  return new ModuleDict({
    linear: new Linear(4, 3),
    conv: new Conv2d(2, 3, 3, { padding: 1 }),
    bn: new BatchNorm2d(3),
    ln: new LayerNorm(4),
    emb: new Embedding(5, 3),
    lstm: new LSTM(3, 4),
    mha: new MultiheadAttention(4, 2),
    enc: new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }),
    gn: new GroupNorm(2, 4),
  });
}

function run(m: Module, name: string, x: Tensor): Tensor {
  if (name === 'lstm') return (m as LSTM)(x)[0];
  if (name === 'mha') return (m as MultiheadAttention)(x, x, x)[0];
  return (m as Module & ((x: Tensor) => Tensor))(x);
}

describe('PyTorch state dicts into Flint layers', () => {
  it('every layer kind: loadStateDict(strict) takes the loaded state dict as it is, and the outputs are PyTorch’s', () => {
    const ck = fixture('layers.pt');
    const model = layers();
    expect(model.loadStateDict(ck.state_dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    model.eval();
    noGrad(() => {
      for (const name of Object.keys(ck.inputs)) expectClose(run(model.get(name)!, name, ck.inputs[name]), ck.outputs[name], 1e-5, name);
    });
    expect((model.get('bn') as BatchNorm2d).num_batches_tracked!.item()).toBe(1);
  });

  it('a torchvision BasicBlock (stride 2, downsample) into ResidualBlock', () => {
    const ck = fixture('basic_block.pt');
    const block = new ResidualBlock(4, 8, { stride: 2 });
    block.loadStateDict(ck.state_dict);
    block.eval();
    noGrad(() => expectClose(block(ck.input), ck.output, 1e-5, 'BasicBlock'));
  });

  it.skipIf(!hasTorch)('a torchvision ResNet-18 written at test time: same keys, same logits', () => {
    python(`
import torch, torchvision
torch.manual_seed(0)
m = torchvision.models.resnet18(num_classes=10)
m.train(); m(torch.randn(4, 3, 32, 32)); m.eval()
x = torch.randn(1, 3, 32, 32)
with torch.no_grad(): y = m(x)
torch.save({'state_dict': m.state_dict(), 'x': x, 'y': y}, 'resnet18.pt')
`);
    const ck = load(readFileSync(join(work, 'resnet18.pt')), { source: 'resnet18.pt' });
    const model = resnet18({ numClasses: 10 });
    expect(model.loadStateDict(ck.state_dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    model.eval();
    noGrad(() => expectClose(model(ck.x), ck.y, 1e-4, 'resnet18 logits'));
  });
});

describe.skipIf(!hasTorch)('files written by save() load in PyTorch 1.13', () => {
  it('a state dict of every layer kind: torch.load(weights_only=True) + load_state_dict(strict=True), values compared', () => {
    manualSeed(5);
    const model = layers();
    const sd = model.stateDict();
    writeFileSync(join(work, 'layers_flint.pt'), save(sd));
    writeFileSync(join(work, 'layers_flint.json'), JSON.stringify(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, { shape: v.shape, values: values(v) }]))));
    const out = python(`
import json, torch, torch.nn as nn
m = nn.ModuleDict({
    "linear": nn.Linear(4, 3), "conv": nn.Conv2d(2, 3, 3, padding=1), "bn": nn.BatchNorm2d(3),
    "ln": nn.LayerNorm(4), "emb": nn.Embedding(5, 3), "lstm": nn.LSTM(3, 4), "mha": nn.MultiheadAttention(4, 2),
    "enc": nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0), "gn": nn.GroupNorm(2, 4)})
sd = torch.load("layers_flint.pt", weights_only=True)
m.load_state_dict(sd, strict=True)
want = json.load(open("layers_flint.json"))
assert list(sd.keys()) == list(want.keys()), (list(sd.keys()), list(want.keys()))
for k, v in m.state_dict().items():
    w = want[k]
    assert list(v.shape) == w["shape"], k
    assert torch.equal(v.double().flatten(), torch.tensor(w["values"], dtype=torch.float64)), k
assert sd["bn.num_batches_tracked"].dtype == torch.int64
print("ok", len(sd))
`);
    expect(out.trim()).toBe(`ok ${Object.keys(sd).length}`);
  });

  it('views of one storage stay views of one storage, with their offsets and strides', () => {
    const base = arange(12).reshape([3, 4]).float();
    writeFileSync(join(work, 'views_flint.pt'), save({ base, row: base.select(0, 1), t: base.t(), col: base.select(1, 2), again: base }));
    const out = python(`
import torch
d = torch.load("views_flint.pt", weights_only=True)
b = d["base"]
assert d["again"] is b
assert all(d[k].storage().data_ptr() == b.storage().data_ptr() for k in ("row", "t", "col"))
assert d["row"].storage_offset() == 4 and d["t"].stride() == (1, 4) and d["col"].stride() == (4,)
assert torch.equal(d["t"], torch.arange(12.).reshape(3, 4).t()) and torch.equal(d["col"], torch.tensor([2., 6., 10.]))
d["row"].fill_(-1)
assert d["col"].tolist() == [2., -1., 10.]
print("ok")
`);
    expect(out.trim()).toBe('ok');
  });

  it("a checkpoint {model, optimizer, epoch}: the model and Adam's state load into torch.optim and take the same next step", () => {
    manualSeed(7);
    const model = new Sequential(new Linear(4, 3), new Tanh(), new Linear(3, 2));
    const opt = new Adam(model.parameters(), { lr: 0.05, betas: [0.8, 0.95] });
    const x = randn([6, 4]);
    const y = randn([6, 2]);
    const step = () => {
      opt.zeroGrad();
      const loss = F.mseLoss(model(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    };
    step();
    step();
    writeFileSync(join(work, 'ckpt_flint.pt'), save({ model: model.stateDict(), optimizer: opt.stateDict(), epoch: 2, x, y }));
    const next = step();
    const after = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, values(v)]));
    writeFileSync(join(work, 'ckpt_flint.json'), JSON.stringify({ next, after }));
    const out = python(`
import io, json, torch, torch.nn as nn
# PyTorch 1.13's weights_only unpickler has no float opcode: it refuses this file exactly as it
# refuses torch.save's own optimizer state dicts. PyTorch >= 2.0 reads both.
def weights_only_error(f):
    try:
        torch.load(f, weights_only=True)
        return None
    except Exception as e:
        return str(e)
flint_err = weights_only_error("ckpt_flint.pt")
if flint_err is not None:
    own = io.BytesIO(); torch.save(torch.optim.Adam([nn.Parameter(torch.zeros(1))]).state_dict(), own); own.seek(0)
    assert "Unsupported operand 71" in flint_err and "Unsupported operand 71" in weights_only_error(own), flint_err
ck = torch.load("ckpt_flint.pt", weights_only=flint_err is None)
assert ck["epoch"] == 2 and sorted(ck["optimizer"]["state"].keys()) == [0, 1, 2, 3]
m = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
m.load_state_dict(ck["model"], strict=True)
opt = torch.optim.Adam(m.parameters())
opt.load_state_dict(ck["optimizer"])
g = opt.param_groups[0]
assert g["lr"] == 0.05 and tuple(g["betas"]) == (0.8, 0.95), g
opt.zero_grad()
loss = nn.functional.mse_loss(m(ck["x"]), ck["y"])
loss.backward()
opt.step()
want = json.load(open("ckpt_flint.json"))
assert abs(loss.item() - want["next"]) < 1e-5, (loss.item(), want["next"])
for k, v in m.state_dict().items():
    assert torch.allclose(v.flatten(), torch.tensor(want["after"][k]), atol=1e-5), k
print("ok", "weights_only" if flint_err is None else "weights_only refuses floats in 1.13")
`);
    expect(out.trim()).toMatch(/^ok /);
    opt.dispose();
  });
});
