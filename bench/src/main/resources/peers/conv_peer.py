"""PyTorch peer of `cassl bench conv`: times a float32 conv2d (kernel k, stride 1, 'same' padding)
forward, or forward plus backward (gradients of input, weight and bias).

Usage: python3 conv_peer.py --batch B --channels C --size S [--kernel K] --threads T
                            --mode forward|forward_backward [--warmup W] [--reps R] [--min-warmup-s S]
Prints one JSON line: {"median_ms", "min_ms", "library"} or {"error"}.
"""
import argparse
import json
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--channels", type=int, required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--kernel", type=int, default=3)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--mode", choices=["forward", "forward_backward"], required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--min-warmup-s", type=float, default=0.5)
    args = ap.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        print(json.dumps({"error": f"torch not importable: {e}"}))
        return
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    b, c, s, k = args.batch, args.channels, args.size, args.kernel
    x = torch.randn(b, c, s, s)
    w = torch.randn(c, c, k, k) * 0.05
    bias = torch.randn(c)
    pad = k // 2

    if args.mode == "forward":
        def step():
            with torch.no_grad():
                F.conv2d(x, w, bias, padding=pad)
    else:
        xg = x.clone().requires_grad_()
        wg = w.clone().requires_grad_()
        bg = bias.clone().requires_grad_()
        g = torch.randn(b, c, s + 2 * pad - k + 1, s + 2 * pad - k + 1)

        def step():
            xg.grad = wg.grad = bg.grad = None
            F.conv2d(xg, wg, bg, padding=pad).backward(g)

    start = time.perf_counter()
    done = 0
    while done < args.warmup or time.perf_counter() - start < args.min_warmup_s:
        step()
        done += 1
    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    print(json.dumps({"median_ms": times[len(times) // 2], "min_ms": times[0],
                      "library": f"torch {torch.__version__} (mkldnn {torch.backends.mkldnn.is_available()})"}))


if __name__ == "__main__":
    sys.exit(main())
