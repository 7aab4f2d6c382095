#!/usr/bin/env python3
"""The PyTorch peer of a demo stage: torchvision 0.14's FCOS trained the way `cassl train` trains.

Same data (a COCO file and its image folder), same model shape as the demo's (ResNet-18 from
scratch with trainable BatchNorm, FPN P3-P5 of --fpn channels, no P6/P7), the same recipe (AdamW,
weight decay on every parameter, linear warmup of min(60, iters/5) then cosine, weight EMA with the
live model's BatchNorm buffers, horizontal flips) and torchvision's level assignment ((4s, 8s)
edge-distance ranges, i.e. the demo config without size_ranges). Writes COCO results for --eval on
its image folder, to score with `cassl eval` and class_accuracy.py.

It tells an engine problem from a recipe or data problem: if this peer and `cassl train` reach the
same AP on the same data, the engine is not what holds the detector back.

usage: /usr/bin/python3 torchvision_peer_train.py --data DIR --train labeled --eval val \
           --iters 600 --out dt.json [--size 128] [--lr 1e-3] [--seed 0]
(DIR holds SPLIT.json and SPLIT/ as `cassl generate-shapes` writes them.)
"""
import argparse
import json
import math
import random
import time

import torch
import torchvision.transforms.functional as TF
from PIL import Image
from torchvision.models import resnet18
from torchvision.models.detection import FCOS
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.ops.feature_pyramid_network import ExtraFPNBlock, FeaturePyramidNetwork


class NoExtraLevels(ExtraFPNBlock):
    """P3-P5 only: the demo drops P6/P7 (2x2 and 1x1 maps at 128 px)."""

    def forward(self, results, x, names):
        return results, names


def build_model(num_classes, fpn, size):
    backbone = _resnet_fpn_extractor(resnet18(), 5, returned_layers=[2, 3, 4], extra_blocks=NoExtraLevels())
    backbone.fpn = FeaturePyramidNetwork([128, 256, 512], fpn, extra_blocks=NoExtraLevels())
    backbone.out_channels = fpn
    anchors = AnchorGenerator(sizes=((8,), (16,), (32,)), aspect_ratios=((1.0,),) * 3)
    return FCOS(backbone, num_classes=num_classes, anchor_generator=anchors, min_size=size, max_size=size)


def load(folder, image, annotations, flip):
    x = TF.to_tensor(Image.open(f"{folder}/{image['file_name']}").convert("RGB"))
    boxes = torch.tensor([[a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]]
                          for a in annotations], dtype=torch.float32).reshape(-1, 4)
    labels = torch.tensor([a["category_id"] for a in annotations], dtype=torch.int64)
    if flip:
        x = x.flip(-1)
        w = x.shape[-1]
        boxes = torch.stack([w - boxes[:, 2], boxes[:, 1], w - boxes[:, 0], boxes[:, 3]], 1)
    return x, {"boxes": boxes, "labels": labels}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--train", default="labeled")
    p.add_argument("--eval", default="val")
    p.add_argument("--iters", type=int, default=600)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--ema", type=float, default=0.99)
    p.add_argument("--fpn", type=int, default=64)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)

    coco = json.load(open(f"{a.data}/{a.train}.json"))
    per_image = {}
    for ann in coco["annotations"]:
        per_image.setdefault(ann["image_id"], []).append(ann)
    samples = [(im, per_image.get(im["id"], [])) for im in coco["images"]]
    model = build_model(max(c["id"] for c in coco["categories"]) + 1, a.fpn, a.size)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    warm = min(60, a.iters // 5)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else
                                              0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, a.iters - warm))))
    ema = torch.optim.swa_utils.AveragedModel(model, avg_fn=lambda e, m, n: a.ema * e + (1 - a.ema) * m)
    model.train()
    start = time.time()
    order = []
    for step in range(a.iters):
        if len(order) < a.batch:
            order += random.sample(range(len(samples)), len(samples))
        batch = [load(f"{a.data}/{a.train}", *samples[i], random.random() < 0.5) for i in order[:a.batch]]
        order = order[a.batch:]
        losses = model([b[0] for b in batch], [b[1] for b in batch])
        opt.zero_grad()
        sum(losses.values()).backward()
        opt.step()
        sched.step()
        ema.update_parameters(model)
        if step % 50 == 0 or step == a.iters - 1:
            print(step, {k: round(v.item(), 4) for k, v in losses.items()}, f"{time.time() - start:.0f}s", flush=True)
    averaged = ema.module
    for (_, mine), (_, live) in zip(averaged.named_buffers(), model.named_buffers()):
        mine.copy_(live)  # AveragedModel averages parameters only; BatchNorm statistics come from the live model
    averaged.eval()
    ev = json.load(open(f"{a.data}/{a.eval}.json"))
    results = []
    with torch.no_grad():
        for im in ev["images"]:
            x = TF.to_tensor(Image.open(f"{a.data}/{a.eval}/{im['file_name']}").convert("RGB"))
            o = averaged([x])[0]
            for b, s, l in zip(o["boxes"].tolist(), o["scores"].tolist(), o["labels"].tolist()):
                results.append({"image_id": im["id"], "category_id": l,
                                "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "score": s})
    json.dump(results, open(a.out, "w"))
    print(f"{len(results)} detections -> {a.out} ({time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
