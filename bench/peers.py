"""The peers of the numeric-core benchmarks, on the MNIST files jclub embeds.

Run by bench/peers.sh; prints one line per measurement: name, seconds.
Each peer is timed with one thread (OMP/OpenBLAS/MKL and torch limited to 1)
unless its name ends in _2t.
"""
import gzip, os, sys, time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "models", "mnistdata")


def idx(name):
    with gzip.open(os.path.join(data, name)) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


X = idx("train-images-idx3-ubyte.gz").reshape(-1, 784)[:50000].astype(np.float64) / 255
y = idx("train-labels-idx1-ubyte.gz")[:50000].astype(np.int64)
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
tag = "" if threads == 1 else "_%dt" % threads


def best(f, n=3):
    t = []
    for _ in range(n):
        s = time.perf_counter()
        f()
        t.append(time.perf_counter() - s)
    return min(t)


for dt in (np.float64, np.float32):
    a = np.random.default_rng(1).standard_normal((1024, 1024)).astype(dt)
    s = best(lambda: a @ a, 5)
    print("numpy_gemm1024_%s%s %.6f" % (np.dtype(dt).name, tag, s))

try:
    from sklearn.neural_network import BernoulliRBM
    rbm = BernoulliRBM(n_components=500, batch_size=100, n_iter=1, learning_rate=0.1, random_state=1)
    print("sklearn_rbm_epoch%s %.6f" % (tag, best(lambda: rbm.fit(X), 1)))
except ImportError:
    print("# no scikit-learn: apt-get install python3-sklearn", file=sys.stderr)

try:
    import torch
    torch.set_num_threads(threads)
    Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y)

    def epoch(sizes, batch, lr, quadratic):
        torch.manual_seed(1)
        layers = []
        for i in range(len(sizes) - 1):
            layers += [torch.nn.Linear(sizes[i], sizes[i + 1]), torch.nn.Sigmoid()]
        if not quadratic:
            layers = layers[:-1]
        net = torch.nn.Sequential(*layers)
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        eye = torch.eye(10)
        perm = torch.randperm(len(Xt))

        def run():
            for i in range(0, len(Xt), batch):
                j = perm[i:i + batch]
                out = net(Xt[j])
                if quadratic:
                    loss = 0.5 * ((out - eye[yt[j]]) ** 2).sum(1).mean()
                else:
                    loss = torch.nn.functional.cross_entropy(out, yt[j])
                opt.zero_grad()
                loss.backward()
                opt.step()
        return best(run, 1)

    print("torch_mlp784x500x10_epoch%s %.6f" % (tag, epoch([784, 500, 10], 100, 0.1, False)))
    print("torch_nielsen_epoch%s %.6f" % (tag, epoch([784, 30, 10], 10, 3.0, True)))
except ImportError:
    print("# no PyTorch: apt-get install python3-torch", file=sys.stderr)
