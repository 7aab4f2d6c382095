#!/usr/bin/env python3
"""PyTorch peer of org.cassl.bench.gpu.GpuBench: the same shapes and the same inputs (the LCG of
BenchData), timed with CUDA events (median after warm-up). Prints one JSON line per benchmark and
writes them to DIR/torch-bench.jsonl. Usage: torch_peer.py DIR [quick]"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

MASK = (1 << 64) - 1


class BenchData:
    """The LCG of BenchData.java: state = state * A + C (mod 2^64), value = (state >> 40) / 2^24.
    Long streams are produced in blocks with the K-step map (A^K, C * (1 + A + ... + A^(K-1)))
    applied to a whole block at once in numpy uint64 arithmetic, which wraps like Java's long."""

    A = 6364136223846793005
    C = 1442695040888963407
    K = 4096

    def __init__(self, seed):
        self.state = seed & MASK

    def uniform(self, n):
        first = []
        s = self.state
        for _ in range(min(n, self.K)):
            s = (s * self.A + self.C) & MASK
            first.append(s)
        states = np.empty(n, dtype=np.uint64)
        states[:len(first)] = np.array(first, dtype=np.uint64)
        if n > self.K:
            ak, ck = 1, 0
            for _ in range(self.K):
                ak, ck = (ak * self.A) & MASK, (ck * self.A + self.C) & MASK
            ak, ck = np.uint64(ak), np.uint64(ck)
            with np.errstate(over="ignore"):
                for start in range(self.K, n, self.K):
                    stop = min(n, start + self.K)
                    states[start:stop] = states[start - self.K:stop - self.K] * ak + ck
        self.state = int(states[-1]) if n else self.state
        return (states >> np.uint64(40)).astype(np.float64) / float(1 << 24)

    def boxes(self, n, w, h, lo, hi):
        u = self.uniform(4 * n).reshape(n, 4).astype(np.float32)
        bw = np.float32(lo) + np.float32(hi - lo) * u[:, 0]
        bh = np.float32(lo) + np.float32(hi - lo) * u[:, 1]
        x = u[:, 2] * (np.float32(w) - bw)
        y = u[:, 3] * (np.float32(h) - bh)
        return np.stack([x, y, x + bw, y + bh], 1)


def uniform_tensor(d, shape):
    n = 1
    for s in shape:
        n *= s
    return (torch.from_numpy(d.uniform(n).astype(np.float32)).reshape(shape) - 0.5).cuda()


def timed(fn, iters):
    fn()
    fn()
    torch.cuda.synchronize()
    ms = []
    for _ in range(iters):
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        ms.append(start.elapsed_time(stop))
    ms.sort()
    return ms[len(ms) // 2]


def fcos_points(ph, pw):
    fh, fw = [(ph + 7) // 8], [(pw + 7) // 8]
    for _ in range(4):
        fh.append((fh[-1] + 1) // 2)
        fw.append((fw[-1] + 1) // 2)
    cs, sz, lo, hi = [], [], [], []
    for lvl in range(5):
        sh, sw, s = ph // fh[lvl], pw // fw[lvl], float(8 << lvl)
        ys, xs = torch.meshgrid(torch.arange(fh[lvl]) * sh, torch.arange(fw[lvl]) * sw, indexing="ij")
        cs.append(torch.stack([xs.reshape(-1), ys.reshape(-1)], 1).float())
        n = fh[lvl] * fw[lvl]
        sz.append(torch.full((n,), s))
        lo.append(torch.full((n,), 0.0 if lvl == 0 else 4 * s))
        hi.append(torch.full((n,), float("inf") if lvl == 4 else 8 * s))
    return [torch.cat(t).cuda() for t in (cs, sz, lo, hi)]


def fcos_match(centers, sizes, lower, upper, gt):
    """torchvision 0.14 FCOSHead.compute_loss matching for one image."""
    gt_centers = (gt[:, :2] + gt[:, 2:]) / 2
    m = (centers[:, None, :] - gt_centers[None, :, :]).abs_().max(dim=2).values < 1.5 * sizes[:, None]
    x, y = centers.unsqueeze(dim=2).unbind(dim=1)
    x0, y0, x1, y1 = gt.unsqueeze(dim=0).unbind(dim=2)
    dist = torch.stack([x - x0, y - y0, x1 - x, y1 - y], dim=2)
    m &= dist.min(dim=2).values > 0
    dmax = dist.max(dim=2).values
    m &= (dmax > lower[:, None]) & (dmax < upper[:, None])
    areas = (gt[:, 2] - gt[:, 0]) * (gt[:, 3] - gt[:, 1])
    val = m.to(torch.float32) * (1e8 - areas[None, :])
    mv, idx = val.max(dim=1)
    idx[mv < 1e-5] = -1
    return idx


def fcos_step(d, batch, reps):
    """torchvision's fcos_resnet50_fpn (random weights, frozen BN, 3 trainable backbone stages, 91
    classes), one SGD training step on `batch` random 800x1333 images with 5 boxes each, as GpuBench."""
    from torchvision.models.detection import fcos_resnet50_fpn
    model = fcos_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91, trainable_backbone_layers=3).cuda()
    model.train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.001, momentum=0.9, weight_decay=1e-4)
    images, targets = [], []
    for i in range(batch):
        images.append(torch.from_numpy(d.uniform(3 * 800 * 1333).astype(np.float32)).reshape(3, 800, 1333).cuda())
        boxes = torch.from_numpy(d.boxes(5, 1333, 800, 32, 600)).cuda()
        labels = torch.tensor([1 + (i * 5 + k) % 90 for k in range(5)], dtype=torch.int64).cuda()
        targets.append({"boxes": boxes, "labels": labels})

    def step():
        opt.zero_grad()
        losses = model(images, targets)
        sum(losses.values()).backward()
        opt.step()

    step()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[reps // 2]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    quick = "quick" in sys.argv[2:]
    iters = 3 if quick else 10
    only = ["gemm", "conv", "nms", "fcos_assign", "fcos_step"]
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1].split(",")
    out = open(f"{out_dir}/torch-bench.jsonl", "a")

    def record(name, shape, ms, flops=0.0):
        row = {"impl": "torch", "name": name, "shape": shape, "median_ms": round(ms, 4)}
        if flops:
            row["tflops"] = round(flops / ms / 1e9, 2)
        print(json.dumps(row), flush=True)
        out.write(json.dumps(row) + "\n")
        out.flush()

    if "gemm" in only:
        n = 4096
        d = BenchData(1)
        a = uniform_tensor(d, (1, n, n))
        b = uniform_tensor(d, (1, n, n))
        for name, tf32 in (("gemm_f32", False), ("gemm_tf32", True)):
            torch.backends.cuda.matmul.allow_tf32 = tf32
            record(name, f"{n}x{n}x{n}", timed(lambda: torch.matmul(a, b), iters), 2.0 * n ** 3)
        torch.backends.cuda.matmul.allow_tf32 = False

    torch.backends.cudnn.allow_tf32 = False
    if "conv" in only:
        d = BenchData(2)
        x = uniform_tensor(d, (4, 256, 100, 168))
        w = uniform_tensor(d, (256, 256, 3, 3)) * 0.05
        bias = uniform_tensor(d, (256,))
        flops = 2.0 * 4 * 256 * 100 * 168 * 256 * 9
        record("conv3x3_fcos_head", "4x256x100x168 k256", timed(lambda: F.conv2d(x, w, bias, padding=1), iters), flops)
        gy = uniform_tensor(d, (4, 256, 100, 168))

        def bwd():
            torch.nn.grad.conv2d_input(x.shape, w, gy, padding=1)
            torch.nn.grad.conv2d_weight(x, w.shape, gy, padding=1)
        record("conv3x3_fcos_head_bwd", "4x256x100x168 k256 dx+dw", timed(bwd, iters), 2 * flops)

    if "nms" in only:
        for count in (10_000, 100_000):
            d = BenchData(3)
            boxes = torch.from_numpy(d.boxes(count, 1333, 800, 8, 200)).cuda()
            scores = torch.from_numpy(d.uniform(count).astype(np.float32)).cuda()
            kept = torchvision.ops.nms(boxes, scores, 0.5).numel()
            record(f"nms_{count // 1000}k", f"{count} boxes iou 0.5 (kept {kept})",
                   timed(lambda: torchvision.ops.nms(boxes, scores, 0.5), iters))

    if "fcos_assign" in only:
        centers, sizes, lower, upper = fcos_points(800, 1344)
        d = BenchData(4)
        gts = [torch.from_numpy(d.boxes(50, 1344, 800, 8, 700)).cuda() for _ in range(16)]

        def assign_all():
            for gt in gts:
                fcos_match(centers, sizes, lower, upper, gt)

        record("fcos_assign", f"16 images x {centers.shape[0]} points x 50 boxes", timed(assign_all, iters))

    if "fcos_step" in only:
        record("fcos_r50_step", "8x3x800x1333 train step", fcos_step(BenchData(5), 8, 2 if quick else 5))
    out.close()


if __name__ == "__main__":
    main()
