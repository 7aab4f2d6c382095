"""torchvision peer of `cassl bench fcos-step` and `cassl bench detect`: torchvision's FCOS with
the same configuration as ours (ResNet backbone from scratch with BatchNorm, all layers
trainable, FPN with P6/P7, num_classes, min/max size).

  --mode step:   one training step (forward, backward, SGD or AdamW update) on random S x M
                 images (M = --max-size, default S) with --boxes boxes each (default 4; the same
                 boxes as FcosStepBench)
  --mode detect: inference (eval mode, no grad) on a batch of one random S x M image

Usage: python3 fcos_peer.py [--mode step|detect] --backbone resnet18 --batch B --size S
                            [--max-size M] --threads T [--fpn-channels F] [--num-classes K]
                            [--boxes N] [--warmup W] [--reps R]
Prints one JSON line: {"median_ms", "min_ms", "peak_rss_mb", "library"} or {"error"}.
"""
import argparse
import json
import time


def build_model(args, torch):
    from torchvision.models.detection import FCOS
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops.feature_pyramid_network import LastLevelP6P7, FeaturePyramidNetwork
    from torchvision.models import resnet
    torch.manual_seed(0)
    trunk = getattr(resnet, args.backbone)(weights=None, norm_layer=torch.nn.BatchNorm2d)
    c5 = 512 if args.backbone in ("resnet18", "resnet34") else 2048
    # torchvision 0.14 builds P6/P7 from P5 (in_channels == out_channels)
    backbone = _resnet_fpn_extractor(trunk, 5, returned_layers=[2, 3, 4],
                                     extra_blocks=LastLevelP6P7(args.fpn_channels, args.fpn_channels))
    if args.fpn_channels != 256:
        backbone.fpn = FeaturePyramidNetwork([c5 // 4, c5 // 2, c5], args.fpn_channels,
                                             extra_blocks=LastLevelP6P7(args.fpn_channels, args.fpn_channels))
        backbone.out_channels = args.fpn_channels
    return FCOS(backbone, args.num_classes, min_size=args.size, max_size=args.max_size or args.size)


def step_work(args, torch, model):
    model.train()
    if args.optimizer == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=0.001, weight_decay=0.05)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9, weight_decay=1e-4)
    g = torch.Generator().manual_seed(1)
    images = [torch.rand(3, args.size, args.max_size or args.size, generator=g) for _ in range(args.batch)]
    targets = []
    for i in range(args.batch):
        boxes = []
        for k in range(args.boxes):
            x = 8 + (37 * (i + 1) * (k + 3)) % (args.size // 2)
            y = 8 + (53 * (i + 2) * (k + 1)) % (args.size // 2)
            w = 16 + (29 * (k + 1) * (i + 1)) % (args.size // 3)
            boxes.append([x, y, x + w, y + w])
        targets.append({"boxes": torch.tensor(boxes, dtype=torch.float32),
                        "labels": torch.tensor([1 + (i + k) % (args.num_classes - 1) for k in range(args.boxes)])})

    def step():
        opt.zero_grad()
        losses = model(images, targets)
        sum(losses.values()).backward()
        opt.step()
    return step


def detect_work(args, torch, model):
    model.eval()
    g = torch.Generator().manual_seed(1)
    image = torch.rand(3, args.size, args.max_size or args.size, generator=g)
    images = [image for _ in range(args.batch)]

    def call():
        with torch.no_grad():
            model(images)
    return call


def peak_rss_mb():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across execve, so it would include the JVM
    # that started this process
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return -1.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["step", "detect"], default="step")
    ap.add_argument("--backbone", default="resnet18")
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--max-size", type=int, default=None)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--fpn-channels", type=int, default=256)
    ap.add_argument("--num-classes", type=int, default=91)
    ap.add_argument("--boxes", type=int, default=4)
    ap.add_argument("--optimizer", choices=["sgd", "adamw"], default="sgd")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    try:
        import torch
        import torchvision
    except ImportError as e:
        print(json.dumps({"error": f"torchvision not importable: {e}"}))
        return
    torch.set_num_threads(args.threads)
    model = build_model(args, torch)
    work = (step_work if args.mode == "step" else detect_work)(args, torch, model)
    for _ in range(args.warmup):
        work()
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    med = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    library = f"torch {torch.__version__}" if args.mode == "step" else f"torchvision {torchvision.__version__}"
    print(json.dumps({"median_ms": med, "min_ms": times[0], "peak_rss_mb": peak_rss_mb(), "library": library}))


if __name__ == "__main__":
    main()
