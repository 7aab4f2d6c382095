"""numpy peer of `cassl bench gemm`: times float32 a @ b for square matrices.

Usage: python3 gemm_peer.py --size N [--warmup W] [--reps R] [--min-warmup-s S]
Thread count comes from the environment (OPENBLAS_NUM_THREADS/OMP_NUM_THREADS), set by the caller.
Prints one JSON line: {"median_ms", "min_ms", "library"} or {"error"}.
"""
import argparse
import json
import sys
import time


def blas_name():
    """Names the BLAS numpy actually loaded, from this process's memory map."""
    try:
        with open("/proc/self/maps") as f:
            maps = f.read().lower()
    except OSError:
        return "unknown BLAS"
    for name in ("openblas", "mkl", "blis", "atlas"):
        if name in maps:
            return "OpenBLAS" if name == "openblas" else name.upper()
    return "reference BLAS" if "libblas" in maps else "unknown BLAS"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--min-warmup-s", type=float, default=0.5)
    args = ap.parse_args()
    try:
        import numpy as np
    except ImportError as e:
        print(json.dumps({"error": f"numpy not importable: {e}"}))
        return
    n = args.size
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.empty((n, n), dtype=np.float32)
    start = time.perf_counter()
    done = 0
    while done < args.warmup or time.perf_counter() - start < args.min_warmup_s:
        np.matmul(a, b, out=c)
        done += 1
    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    print(json.dumps({"median_ms": times[len(times) // 2], "min_ms": times[0],
                      "library": f"numpy {np.__version__} ({blas_name()})"}))


if __name__ == "__main__":
    sys.exit(main())
