"""The CNN topic's peer: PyTorch on CPU training the same LeNet-5-like net
(or LeNet-1) on the MNIST files jclub embeds, with the same batch and SGD
with momentum (ReLU and average pooling unless ACT=tanh, POOL=max; C3 full:
PyTorch has no connection table, and jclub's costs the same as full).

Run by bench/cnn.sh; prints one line per measurement: name, seconds per
epoch, then the test accuracy. Usage: cnn_peer.py THREADS ARCH BATCH [EPOCHS]
"""
import gzip, os, sys, time

import numpy as np
import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "models", "mnistdata")


def idx(name):
    with gzip.open(os.path.join(data, name)) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


threads, arch, batch = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
torch.set_num_threads(threads)
torch.manual_seed(1)
X = torch.tensor(idx("train-images-idx3-ubyte.gz")[:50000].astype(np.float32) / 255).unsqueeze(1)
y = torch.tensor(idx("train-labels-idx1-ubyte.gz")[:50000].astype(np.int64))
Xt = torch.tensor(idx("t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
yt = torch.tensor(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))

if arch == "lenet5":
    pad, maps, fc = 2, (6, 16), (16 * 25, 120, 84, 10)
else:
    pad, maps, fc = 0, (4, 12), (12 * 16, 10)
net = torch.nn.ModuleList([torch.nn.Conv2d(1, maps[0], 5, padding=pad), torch.nn.Conv2d(maps[0], maps[1], 5)] +
                          [torch.nn.Linear(fc[i], fc[i + 1]) for i in range(len(fc) - 1)])


act = torch.tanh if os.environ.get("ACT") == "tanh" else F.relu
pool = F.max_pool2d if os.environ.get("POOL") == "max" else F.avg_pool2d


def forward(x):
    x = pool(act(net[0](x)), 2)
    x = pool(act(net[1](x)), 2).flatten(1)
    for l in net[2:-1]:
        x = act(l(x))
    return net[-1](x)


opt = torch.optim.SGD(net.parameters(), lr=float(os.environ.get("ETA", "0.03")), momentum=0.9)
name = "torch_%s_b%d_epoch%s" % (arch, batch, "" if threads == 1 else "_%dt" % threads)
for e in range(epochs):
    perm = torch.randperm(len(y))
    s = time.perf_counter()
    for i in range(0, len(y), batch):
        b = perm[i:i + batch]
        opt.zero_grad()
        F.cross_entropy(forward(X[b]), y[b]).backward()
        opt.step()
    t = time.perf_counter() - s
    with torch.no_grad():
        acc = (forward(Xt).argmax(1) == yt).float().mean().item()
    print("%s %.6f" % (name, t))
    print("# epoch %d test accuracy %.4f" % (e + 1, acc), file=sys.stderr)
