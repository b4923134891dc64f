"""PyTorch CPU side of Flint's benchmarks (bench/run.mjs runs it; see bench/README.md).

Usage: python3 bench/torch_bench.py WORKLOAD --threads N [--warmup W] [--reps R] [--budget S]
       [--steps K]

WORKLOAD is W1, W2, W3, W4, W6 or soak; the models, shapes and optimizer settings match
bench/workloads/flint.mjs. Prints one JSON object on stdout:
  {"workload", "threads", "times_ms": [...], "median_ms", "maxrss_bytes", "torch"}
For `soak`, runs K (default 2000) W1 training steps and reports peak RSS instead of step times.
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


class SeedResidual(nn.Module):
    """The seed's residual block (conv-bn-relu-conv-bn, relu(x + out)) + global avg pool + linear."""

    def __init__(self, ch=64, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(ch)
        self.conv2 = nn.Conv2d(ch, ch, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(ch)
        self.fc = nn.Linear(ch, classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = F.relu(x + out)
        return self.fc(F.adaptive_avg_pool2d(out, 1).flatten(1))


def resnet18(classes=10):
    from torchvision.models import resnet18 as tv_resnet18

    return tv_resnet18(num_classes=classes)


class LstmTagger(nn.Module):
    """W6: a 2-layer LSTM (128 -> 256) over [64, 32, 128] with a Linear(256, 10) head on every step."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(128, 256, num_layers=2)
        self.fc = nn.Linear(256, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out).flatten(0, 1)


def train_setup(model, x_shape, classes=10, targets=None):
    torch.manual_seed(0)
    x = torch.randn(*x_shape)
    y = torch.randint(0, classes, (targets or x_shape[0],))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def make_step(workload):
    torch.manual_seed(0)
    if workload in ("W1", "soak"):
        return train_setup(mlp(), (128, 784))
    if workload == "W2":
        return train_setup(SeedResidual(), (16, 64, 32, 32))
    if workload == "W3":
        return train_setup(resnet18(), (16, 3, 32, 32))
    if workload == "W6":
        return train_setup(LstmTagger(), (64, 32, 128), targets=64 * 32)
    if workload == "W4":
        model = resnet18().eval()
        x = torch.randn(8, 3, 64, 64)

        def infer():
            with torch.no_grad():
                return float(model(x)[0, 0])

        return infer
    raise SystemExit(f"torch_bench.py: unknown workload {workload!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--budget", type=float, default=20.0, help="seconds of timed steps at most (at least 3 steps)")
    ap.add_argument("--steps", type=int, default=2000, help="soak: training steps")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    step = make_step(args.workload)
    times = []
    if args.workload == "soak":
        t0 = time.perf_counter()
        for _ in range(args.steps):
            step()
        times.append((time.perf_counter() - t0) * 1000 / args.steps)
    else:
        for _ in range(args.warmup):
            step()
        start = time.perf_counter()
        while len(times) < args.reps and (len(times) < 3 or time.perf_counter() - start < args.budget):
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1000)
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(
        {
            "workload": args.workload,
            "threads": torch.get_num_threads(),
            "times_ms": times,
            "median_ms": statistics.median(times),
            "maxrss_bytes": maxrss_kb * 1024,
            "torch": torch.__version__,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
