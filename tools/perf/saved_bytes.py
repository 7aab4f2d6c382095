"""PyTorch twin of tools/perf/SavedBytes.java: bytes of the distinct storages torchvision's FCOS
saves for backward in one training step (saved_tensors_hooks), and the process's peak RSS.

Usage: /usr/bin/python3 tools/perf/saved_bytes.py resnet18 2 320 320
"""
import argparse
import sys

import torch

sys.path.insert(0, "bench/src/main/resources/peers")
import fcos_peer  # noqa: E402


def main():
    backbone, batch, size, max_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(2)
    args = argparse.Namespace(backbone=backbone, fpn_channels=256, num_classes=91, size=size, max_size=max_size,
                              batch=batch, boxes=4, optimizer="sgd")
    model = fcos_peer.build_model(args, torch)
    step = fcos_peer.step_work(args, torch, model)
    step()
    seen = {}

    def pack(t):
        s = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
        seen[s.data_ptr()] = s.nbytes()
        return t

    params = {p.data_ptr() for p in model.parameters()}
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        step()
    saved = sum(n for ptr, n in seen.items() if ptr not in params)
    print(f"{backbone} B{batch} {size}x{max_size}: saved for backward {saved / 2**20:.1f} MiB "
          f"(parameters excluded), peak RSS {fcos_peer.peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
