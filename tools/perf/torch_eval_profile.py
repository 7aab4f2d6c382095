"""Where torchvision's FCOS spends an inference call: torch.profiler over one eval call of the
`cassl bench detect` peer's model (random weights, BatchNorm ResNet, FPN 256, 91 classes).

Usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tools/perf/torch_eval_profile.py resnet50 800 1333
"""
import argparse
import sys
import time

import torch

sys.path.insert(0, "bench/src/main/resources/peers")
import fcos_peer  # noqa: E402


def main():
    backbone, size, max_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(2)
    args = argparse.Namespace(backbone=backbone, fpn_channels=256, num_classes=91, size=size, max_size=max_size, batch=1)
    model = fcos_peer.build_model(args, torch).eval()
    images = [torch.rand(3, size, max_size)]
    with torch.no_grad():
        model(images)
        t0 = time.perf_counter()
        model(images)
        print(f"one eval call: {time.perf_counter() - t0:.3f} s")
        with torch.profiler.profile() as prof:
            model(images)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))


if __name__ == "__main__":
    main()
