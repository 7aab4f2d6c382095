"""torchvision peer of `cassl bench nms`: times torchvision.ops.nms on the same random boxes
(the generator below mirrors NmsBench.boxes exactly: corners uniform in [0, 1000), sides in [10, 110),
scores uniform in [0, 1), from a simple 64-bit LCG so both sides draw identical values).

Usage: python3 nms_peer.py --boxes N --iou T --threads T [--warmup W] [--reps R]
Prints one JSON line: {"median_ms", "min_ms", "kept", "library"} or {"error"}.
"""
import argparse
import json
import time


def lcg_uniform(n, seed):
    out = []
    s = seed & 0xFFFFFFFFFFFFFFFF
    for _ in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        out.append((s >> 11) * (1.0 / (1 << 53)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--boxes", type=int, required=True)
    ap.add_argument("--iou", type=float, default=0.5)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    try:
        import torch
        import torchvision
    except ImportError as e:
        print(json.dumps({"error": f"torchvision not importable: {e}"}))
        return
    torch.set_num_threads(args.threads)
    n = args.boxes
    u = lcg_uniform(5 * n, 42)
    boxes = torch.empty(n, 4, dtype=torch.float32)
    scores = torch.empty(n, dtype=torch.float32)
    for i in range(n):
        x = 1000 * u[5 * i]
        y = 1000 * u[5 * i + 1]
        w = 10 + 100 * u[5 * i + 2]
        h = 10 + 100 * u[5 * i + 3]
        boxes[i] = torch.tensor([x, y, x + w, y + h])
        scores[i] = u[5 * i + 4]
    for _ in range(args.warmup):
        torchvision.ops.nms(boxes, scores, args.iou)
    times = []
    kept = 0
    for _ in range(args.reps):
        t0 = time.perf_counter()
        kept = len(torchvision.ops.nms(boxes, scores, args.iou))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    med = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    print(json.dumps({"median_ms": med, "min_ms": times[0], "kept": kept,
                      "library": f"torchvision {torchvision.__version__}"}))


if __name__ == "__main__":
    main()
