"""Run scikit-learn's FastICA on the mixtures icapeer wrote and report the
Amari index of C = (unmixing)·A (normalised to [0, 1], as jclub's) and the
time of a fit. Needs Debian's python3-sklearn. A tool, not a test."""
import sys
import time

import numpy as np
from sklearn.decomposition import FastICA


def amari(C):
    P = np.abs(C)
    n = P.shape[0]
    rows = (P.sum(axis=1) / P.max(axis=1) - 1).sum()
    cols = (P.sum(axis=0) / P.max(axis=0) - 1).sum()
    return (rows + cols) / (2 * n * (n - 1))


d = sys.argv[1]
X = np.loadtxt(d + "/X.csv", delimiter=",")
A = np.loadtxt(d + "/A.csv", delimiter=",", ndmin=2)
n = A.shape[0]
reps = 50
times = []
for r in range(reps):
    ica = FastICA(n_components=n, algorithm="parallel", fun="logcosh", whiten="unit-variance", tol=1e-6, max_iter=1000, random_state=r)
    t = time.perf_counter()
    ica.fit(X)
    times.append(time.perf_counter() - t)
C = ica.components_ @ A
print("scikit-learn FastICA (parallel, logcosh, tol 1e-6): Amari %.4f after %d iterations, %.2f ms a fit (median of %d)" % (amari(C), ica.n_iter_, 1000 * np.median(times), reps))
