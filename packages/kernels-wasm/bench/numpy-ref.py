"""The native reference line of `pnpm bench`: numpy (OpenBLAS) on one core, the same shapes and training step as
bench/run.mjs. Run by run.mjs with OPENBLAS_NUM_THREADS=1 and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (so
OpenBLAS picks its kernels for this CPU); prints one JSON object of median milliseconds."""
import json
import statistics
import sys
import time

import numpy as np

quick = "--quick" in sys.argv
ROUNDS = 5 if quick else 11
ROUND_S = 0.015 if quick else 0.04
rng = np.random.default_rng(1)


def median_ms(fn):
    fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    inner = max(1, round(ROUND_S / once))
    samples = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner * 1000)
    return statistics.median(samples)


def f32(*shape):
    return (rng.random(shape, dtype=np.float32) - 0.5).astype(np.float32)


matmul = {}
shapes = [
    ("512³", 512, 512, 512, "nn"),
    ("1024³", 1024, 1024, 1024, "nn"),
    ("64×784 · 784×128 (X·W)", 64, 784, 128, "nn"),
    ("(64×784)ᵀ · 64×128 (Xᵀ·∂Z)", 784, 64, 128, "tn"),
    ("64×128 · (784×128)ᵀ (∂Z·Wᵀ)", 64, 128, 784, "nt"),
]
for label, M, K, N, form in shapes:
    a = f32(K, M) if form == "tn" else f32(M, K)
    b = f32(N, K) if form == "nt" else f32(K, N)
    out = np.empty((M, N), dtype=np.float32)
    if form == "nn":
        fn = lambda a=a, b=b, out=out: np.matmul(a, b, out=out)
    elif form == "tn":
        fn = lambda a=a, b=b, out=out: np.matmul(a.T, b, out=out)
    else:
        fn = lambda a=a, b=b, out=out: np.matmul(a, b.T, out=out)
    matmul[label] = median_ms(fn)

# 784-128-64-10, ReLU, softmax cross-entropy, batch 64, SGD: forward, backward and update as in docs/math.md.
sizes = [784, 128, 64, 10]
W = [(rng.standard_normal((sizes[i], sizes[i + 1])) * np.sqrt(2 / sizes[i])).astype(np.float32) for i in range(3)]
B = [np.zeros(sizes[i + 1], dtype=np.float32) for i in range(3)]
X = f32(64, 784)
Y = np.zeros((64, 10), dtype=np.float32)
Y[np.arange(64), np.arange(64) % 10] = 1
lr = np.float32(0.01)


def step():
    acts = [X]
    zs = []
    for l in range(3):
        z = acts[-1] @ W[l] + B[l]
        zs.append(z)
        acts.append(np.maximum(z, 0) if l < 2 else z)
    z = acts[-1]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.sum(Y * np.log(p + 1e-12)) / 64
    dz = (p - Y) / np.float32(64)
    for l in (2, 1, 0):
        dW = acts[l].T @ dz
        db = dz.sum(axis=0)
        if l > 0:
            da = dz @ W[l].T
            dz = da * (zs[l - 1] > 0)
        W[l] -= lr * dW
        B[l] -= lr * db
    return loss


print(json.dumps({"numpy": np.__version__, "matmul": matmul, "step": median_ms(step)}))
