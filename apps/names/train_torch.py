#!/usr/bin/env python3
"""The names GPT in PyTorch 1.13: the same model, split, objective and settings as the Flint app.

    cd apps/names && pnpm run build
    node dist/main.js --dump-split /tmp/names-split.json      # the split, characters and settings
    /usr/bin/python3 train_torch.py --split /tmp/names-split.json

The last line has the app's form: `test loss 2.051 nats/char (bigram baseline 2.455)`.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

IGNORE_INDEX = -100  # F.cross_entropy's default, the padding targets


class NamesGPT(nn.Module):
    """src/model.ts's NamesGPT, module for module (same state-dict keys)."""

    def __init__(self, vocab_size, block_size, n_embd, n_head, n_layer, dropout):
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(n_embd, n_head, dim_feedforward=4 * n_embd, dropout=dropout, activation='gelu', batch_first=True, norm_first=True)
            for _ in range(n_layer)
        )
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(T)))
        mask = nn.Transformer.generate_square_subsequent_mask(T)
        for block in self.blocks:
            x = block(x, src_mask=mask)
        return self.head(self.ln_f(x))


def encode_names(names, stoi, block_size):
    """src/vocab.ts's encodeNames: x = '.' + name padded with '.', y = name + '.' padded with -100."""
    x = torch.zeros(len(names), block_size, dtype=torch.long)
    y = torch.full((len(names), block_size), IGNORE_INDEX, dtype=torch.long)
    for r, name in enumerate(names):
        ids = [stoi[c] for c in name]
        x[r, 1 : len(ids) + 1] = torch.tensor(ids, dtype=torch.long)
        y[r, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        y[r, len(ids)] = 0
    return x, y


def bigram_loss(train, test, stoi, alpha):
    """src/bigram.ts's bigramLoss: add-alpha smoothed pair counts, mean NLL per predicted character."""
    V = len(stoi)
    counts = torch.zeros(V, V, dtype=torch.float64)
    for name in train:
        ids = [0] + [stoi[c] for c in name] + [0]
        for a, b in zip(ids, ids[1:]):
            counts[a, b] += 1
    p = (counts + alpha) / (counts + alpha).sum(1, keepdim=True)
    nll, n = 0.0, 0
    for name in test:
        ids = [0] + [stoi[c] for c in name] + [0]
        for a, b in zip(ids, ids[1:]):
            nll -= math.log(p[a, b].item())
            n += 1
    return nll / n


def next_char_loss(logits, targets, reduction='mean'):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=IGNORE_INDEX, reduction=reduction)


@torch.no_grad()
def evaluate(model, x, y, batch_size=512):
    model.eval()
    total, chars = 0.0, 0
    for i in range(0, len(x), batch_size):
        total += next_char_loss(model(x[i : i + batch_size]), y[i : i + batch_size], 'sum').item()
        chars += (y[i : i + batch_size] != IGNORE_INDEX).sum().item()
    model.train()
    return total / chars


@torch.no_grad()
def sample_names(model, chars, count, temperature, generator):
    model.eval()
    seqs = torch.zeros(count, 1, dtype=torch.long)
    done = torch.zeros(count, dtype=torch.bool)
    for _ in range(model.block_size):
        probs = F.softmax(model(seqs)[:, -1, :] / temperature, dim=-1)
        nxt = torch.multinomial(probs, 1, generator=generator).squeeze(1)
        nxt[done] = 0
        seqs = torch.cat([seqs, nxt[:, None]], 1)
        done |= nxt == 0
        if done.all():
            break
    model.train()
    return [''.join(chars[i] for i in row[1:].tolist() if i != 0) for row in seqs]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--split', required=True, help='the JSON written by `node dist/main.js --dump-split FILE`')
    ap.add_argument('--epochs', type=int, help='override the epochs of the split file')
    ap.add_argument('--threads', type=int, default=0, help='torch.set_num_threads (default: leave as is)')
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    with open(args.split) as f:
        spec = json.load(f)
    chars, cfg, s, train, test = spec['chars'], spec['model'], spec['settings'], spec['train'], spec['test']
    epochs = s['epochs'] if args.epochs is None else args.epochs
    stoi = {c: i for i, c in enumerate(chars)}
    assert chars[0] == '.'
    t0 = time.time()
    torch.manual_seed(s['seed'])

    bigram = bigram_loss(train, test, stoi, s['bigramAlpha'])
    block = cfg['blockSize']
    x_train, y_train = encode_names(train, stoi, block)
    x_test, y_test = encode_names(test, stoi, block)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x_train, y_train), batch_size=s['batchSize'], shuffle=True, generator=torch.Generator().manual_seed(s['seed'])
    )
    model = NamesGPT(cfg['vocabSize'], block, cfg['nEmbd'], cfg['nHead'], cfg['nLayer'], cfg['dropout'])
    opt = torch.optim.AdamW(model.parameters(), lr=s['lr'], weight_decay=s['weightDecay'])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, epochs * len(loader)))
    n_params = sum(p.numel() for p in model.parameters())
    print(
        f"GPT (PyTorch {torch.__version__}, {torch.get_num_threads()} threads): {n_params:,} parameters ({cfg['nLayer']} layers, {cfg['nHead']} heads, "
        f"width {cfg['nEmbd']}, block {block}, {len(chars)} characters); {len(train)} training names, {len(test)} test names; AdamW lr {s['lr']}, "
        f"weight decay {s['weightDecay']}, dropout {cfg['dropout']}, batch {s['batchSize']}, {epochs} epoch(s), seed {s['seed']}"
    )
    print(f"bigram baseline (add-{s['bigramAlpha']} smoothing): test loss {bigram:.4f} nats/char")

    train_start = time.time()
    test_loss = float('nan')
    for epoch in range(1, epochs + 1):
        total, chars_seen = 0.0, 0
        for xb, yb in loader:
            loss = next_char_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            n = (yb != IGNORE_INDEX).sum().item()
            total += loss.item() * n
            chars_seen += n
        test_loss = evaluate(model, x_test, y_test)
        print(f'epoch {epoch}/{epochs}: train loss {total / chars_seen:.4f} | test loss {test_loss:.4f} nats/char', flush=True)
    train_seconds = time.time() - train_start
    if epochs == 0:
        test_loss = evaluate(model, x_test, y_test)

    if s['samples'] > 0:
        names = set(train) | set(test)
        sampled = sample_names(model, chars, s['samples'], s['temperature'], torch.Generator().manual_seed(s['seed']))
        print(f"{len(sampled)} sampled names (temperature {s['temperature']}; {sum(1 for n in sampled if n and n not in names)} not in the data set):")
        for n in sampled:
            print(f"  {n or '(empty)'}{'' if n in names else ' *'}")
    print(f'training {train_seconds:.1f} s, total {time.time() - t0:.1f} s')
    print(f'test loss {test_loss:.3f} nats/char (bigram baseline {bigram:.3f})')


if __name__ == '__main__':
    main()
