"""The PyTorch twin of the Flint tagger (apps/tagger/src): the same data, model and training.

    pnpm --filter ./apps/tagger start -- --export prepared.json   # the split, vocabularies and ids
    /usr/bin/python3 apps/tagger/train_torch.py apps/tagger/prepared.json

The JSON holds the settings of the Flint run (sizes, lr, batch, epochs, dropout, seed) and the
encoded sentences (word, suffix and shape ids, normalised tag ids), so both train on exactly the same
split and vocabulary. Flags given here override the exported settings. The last line is
`test accuracy XX.XX%` over the real tokens of the test files.
"""
import argparse
import json
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

PAD = 0
IGNORE_INDEX = -100
N_SHAPES = 6  # <pad>, punct, digit, upper, title, lower (vocab.ts SHAPES)


class Tagger(nn.Module):
    """cat(E_word, E_suffix, E_shape) [T, B, *] -> bi-LSTM [T, B, 2H] -> Dropout -> Linear [T, B, tags]."""

    def __init__(self, words, suffixes, tags, word_dim, suffix_dim, shape_dim, hidden, layers, dropout):
        super().__init__()
        self.word_emb = nn.Embedding(words, word_dim, padding_idx=PAD)
        self.suffix_emb = nn.Embedding(suffixes, suffix_dim, padding_idx=PAD)
        self.shape_emb = nn.Embedding(N_SHAPES, shape_dim, padding_idx=PAD)
        self.lstm = nn.LSTM(word_dim + suffix_dim + shape_dim, hidden, num_layers=layers, bidirectional=True, dropout=dropout if layers > 1 else 0)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(2 * hidden, tags)

    def forward(self, words, suffixes, shapes):
        x = torch.cat([self.word_emb(words), self.suffix_emb(suffixes), self.shape_emb(shapes)], 2)
        h, _ = self.lstm(self.drop(x))
        return self.out(self.drop(h))


def batch_indices(lengths, batch_size, rng=None, pool_batches=50):
    """As batches.ts batchIndices: sorted by length and cut (eval), or shuffled, sorted within pools, cut, batches shuffled (train)."""
    def by_length(ids):
        return sorted(ids, key=lambda i: (lengths[i], i))

    def cut(ids):
        return [ids[k:k + batch_size] for k in range(0, len(ids), batch_size)]

    ids = list(range(len(lengths)))
    if rng is None:
        return cut(by_length(ids))
    rng.shuffle(ids)
    pool = batch_size * pool_batches
    batches = []
    for p in range(0, len(ids), pool):
        batches += cut(by_length(ids[p:p + pool]))
    rng.shuffle(batches)
    return batches


def make_batch(sentences):
    """Padded [T, B] int64 tensors: inputs padded with PAD, tags with IGNORE_INDEX."""
    cols = lambda k, value: pad_sequence([torch.tensor(s[k]) for s in sentences], padding_value=value)
    return cols(0, PAD), cols(1, PAD), cols(2, PAD), cols(3, IGNORE_INDEX), sum(len(s[0]) for s in sentences)


def tagging_loss(scores, tags):
    return F.cross_entropy(scores.reshape(-1, scores.shape[2]), tags.reshape(-1), ignore_index=IGNORE_INDEX)


def evaluate(model, sentences, batch_size=256):
    model.eval()
    tokens = correct = 0
    loss_sum = 0.0
    with torch.no_grad():
        for ids in batch_indices([len(s[0]) for s in sentences], batch_size):
            w, sf, sh, tags, n = make_batch([sentences[i] for i in ids])
            scores = model(w, sf, sh)
            loss_sum += tagging_loss(scores, tags).item() * n
            correct += (scores.argmax(2) == tags).sum().item()
            tokens += n
    return loss_sum / tokens, correct / tokens, tokens


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('data', help='the JSON written by the Flint app with --export')
    for flag in ['epochs', 'max_steps', 'batch_size', 'hidden', 'layers', 'word_dim', 'suffix_dim', 'shape_dim', 'seed']:
        p.add_argument('--' + flag.replace('_', '-'), type=int)
    p.add_argument('--lr', type=float)
    p.add_argument('--dropout', type=float)
    p.add_argument('--schedule', choices=['constant', 'cosine'])
    args = p.parse_args()

    t0 = time.perf_counter()
    with open(args.data) as f:
        data = json.load(f)
    s = data['settings']
    camel = {'max_steps': 'maxSteps', 'batch_size': 'batchSize', 'word_dim': 'wordDim', 'suffix_dim': 'suffixDim', 'shape_dim': 'shapeDim'}
    o = {k: getattr(args, k) if getattr(args, k) is not None else s.get(camel.get(k, k))
         for k in ['epochs', 'max_steps', 'batch_size', 'hidden', 'layers', 'word_dim', 'suffix_dim', 'shape_dim', 'seed', 'lr', 'dropout', 'schedule']}
    vocab = data['vocab']
    train, val, test = data['train'], data['val'], data['test']
    print(f"files: {len(data['split']['train'])} train, {len(data['split']['val'])} validation, {len(data['split']['test'])} test; "
          f"sentences {len(train)}/{len(val)}/{len(test)}; vocabulary {len(vocab['words'])} words, {len(vocab['suffixes'])} suffixes, {len(vocab['tags'])} tags")

    torch.manual_seed(o['seed'])
    model = Tagger(len(vocab['words']), len(vocab['suffixes']), len(vocab['tags']), o['word_dim'], o['suffix_dim'], o['shape_dim'], o['hidden'], o['layers'], o['dropout'])
    n_params = sum(p.numel() for p in model.parameters())
    limit = f" (at most {o['max_steps']} steps)" if o['max_steps'] else ''
    print(f"bi-LSTM {o['layers']}x{o['hidden']}, embeddings {o['word_dim']}+{o['suffix_dim']}+{o['shape_dim']}: {n_params:,} parameters; "
          f"Adam lr {o['lr']}{' (cosine decay)' if o['schedule'] == 'cosine' else ''}, batch {o['batch_size']}, dropout {o['dropout']}, {o['epochs']} epoch(s){limit}, seed {o['seed']}; torch {torch.__version__}, {torch.get_num_threads()} threads")
    opt = torch.optim.Adam(model.parameters(), lr=o['lr'])
    rng = random.Random(o['seed'] + 1)
    steps_per_epoch = len(batch_indices([len(x[0]) for x in train], o['batch_size']))
    total_steps = min(o['epochs'] * steps_per_epoch, o['max_steps'] or float('inf'))
    # As the Flint app: cosine decay of the learning rate over all steps of the run, stepped per batch.
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, total_steps)) if o['schedule'] == 'cosine' else None
    train_start = time.perf_counter()
    steps_left = o['max_steps'] or float('inf')
    for epoch in range(1, o['epochs'] + 1):
        model.train()
        batches = batch_indices([len(x[0]) for x in train], o['batch_size'], rng)
        batches = batches[:min(len(batches), steps_left)]
        steps_left -= len(batches)
        tokens = correct = 0
        loss_sum = 0.0
        start = time.perf_counter()
        for k, ids in enumerate(batches):
            w, sf, sh, tags, n = make_batch([train[i] for i in ids])
            opt.zero_grad()
            scores = model(w, sf, sh)
            loss = tagging_loss(scores, tags)
            loss.backward()
            opt.step()
            if scheduler:
                scheduler.step()
            tokens += n
            loss_sum += loss.item() * n
            correct += (scores.detach().argmax(2) == tags).sum().item()
            if (k + 1) % max(1, len(batches) // 10) == 0 or k + 1 == len(batches):
                print(f"epoch {epoch}/{o['epochs']} {100 * (k + 1) // len(batches):3d}% {k + 1}/{len(batches)} loss {loss_sum / tokens:.4f} acc {100 * correct / tokens:.2f}% "
                      f"{tokens / (time.perf_counter() - start):.0f} tokens/s", flush=True)
        line = f"epoch {epoch}/{o['epochs']}: train loss {loss_sum / tokens:.4f}, train acc {100 * correct / tokens:.2f}%"
        if val:
            vl, va, _ = evaluate(model, val)
            line += f" | validation loss {vl:.4f}, validation acc {100 * va:.2f}%"
        print(line)
        if steps_left <= 0:
            break
    train_seconds = time.perf_counter() - train_start
    tl, ta, tn = evaluate(model, test)
    total = time.perf_counter() - t0
    print(f"test loss {tl:.4f} over {tn} tokens; training {train_seconds:.1f} s, total {total:.1f} s")
    print(f"test accuracy {100 * ta:.2f}%")


if __name__ == '__main__':
    main()
