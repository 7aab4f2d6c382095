"""torchvision peer of `cassl bench detect`: FCOS inference (eval mode, random weights) on a
batch of random S x M images with the same configuration (ResNet backbone, FPN with P6/P7,
num_classes, min_size S, max_size M, torchvision's post-processing defaults).

Usage: python3 detect_peer.py --backbone resnet18 --batch B --size S --max-size M --threads T
                              [--fpn-channels F] [--num-classes K] [--warmup W] [--reps R]
Prints one JSON line: {"median_ms", "min_ms", "peak_rss_mb", "library"} or {"error"}.
"""
import argparse
import json
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backbone", default="resnet18")
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--max-size", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--fpn-channels", type=int, default=256)
    ap.add_argument("--num-classes", type=int, default=91)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    try:
        import torch
        from torchvision.models.detection import FCOS
        from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
        from torchvision.ops.feature_pyramid_network import LastLevelP6P7, FeaturePyramidNetwork
        from torchvision.models import resnet
    except ImportError as e:
        print(json.dumps({"error": f"torchvision not importable: {e}"}))
        return
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    trunk = getattr(resnet, args.backbone)(weights=None, norm_layer=torch.nn.BatchNorm2d)
    c5 = 512 if args.backbone in ("resnet18", "resnet34") else 2048
    backbone = _resnet_fpn_extractor(trunk, 5, returned_layers=[2, 3, 4],
                                     extra_blocks=LastLevelP6P7(args.fpn_channels, args.fpn_channels))
    if args.fpn_channels != 256:
        backbone.fpn = FeaturePyramidNetwork([c5 // 4, c5 // 2, c5], args.fpn_channels,
                                             extra_blocks=LastLevelP6P7(args.fpn_channels, args.fpn_channels))
        backbone.out_channels = args.fpn_channels
    model = FCOS(backbone, args.num_classes, min_size=args.size, max_size=args.max_size)
    model.eval()
    g = torch.Generator().manual_seed(1)
    image = torch.rand(3, args.size, args.max_size, generator=g)
    images = [image for _ in range(args.batch)]

    def call():
        with torch.no_grad():
            model(images)

    for _ in range(args.warmup):
        call()
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    med = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across execve, so it would include the JVM
    # that started this process
    peak = -1.0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024.0
    print(json.dumps({"median_ms": med, "min_ms": times[0], "peak_rss_mb": peak,
                      "library": f"torchvision {__import__('torchvision').__version__}"}))


if __name__ == "__main__":
    main()
