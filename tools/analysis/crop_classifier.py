#!/usr/bin/env python3
"""How well can the shapes' classes be learned from the labeled objects alone?

Trains torchvision's ResNet-18 (random weights, no max pool: the crops are small) as a plain
classifier on the ground-truth boxes of a COCO training split, each crop with a 10% margin resized
to 48 x 48, and reports train and validation accuracy every 100 steps. It separates "the data do
not teach the classes" from "the detector does not learn them": the detector's class accuracy of
the objects it finds (tools/analysis/class_accuracy.py) can be read against this number.

Needs PyTorch and torchvision (Debian: /usr/bin/python3 after apt-get install python3-torch
python3-torchvision).

usage: /usr/bin/python3 crop_classifier.py DATA_DIR [--steps 600] [--augment standard|dihedral]
       DATA_DIR holds labeled.json, labeled/, val.json, val/ (as cassl generate-shapes writes them)
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from PIL import Image


def crops(data, split, side=48):
    d = json.load(open(os.path.join(data, split + ".json")))
    files = {i["id"]: i["file_name"] for i in d["images"]}
    cache = {}
    xs, ys = [], []
    for a in d["annotations"]:
        f = files[a["image_id"]]
        if f not in cache:
            cache[f] = Image.open(os.path.join(data, split, f)).convert("RGB")
        x, y, w, h = a["bbox"]
        m = 0.1 * max(w, h)
        box = (int(x - m), int(y - m), int(x + w + m + 1), int(y + h + m + 1))
        xs.append(np.asarray(cache[f].crop(box).resize((side, side), Image.BILINEAR), dtype=np.float32) / 255.0)
        ys.append(a["category_id"] - 1)
    x = torch.tensor(np.stack(xs)).permute(0, 3, 1, 2)
    return (x - 0.45) / 0.25, torch.tensor(ys), len(d["categories"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--augment", choices=["standard", "dihedral"], default="standard")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    xt, yt, classes = crops(args.data, "labeled")
    xv, yv, _ = crops(args.data, "val")
    print("%d training crops, %d validation crops, %d classes" % (len(yt), len(yv), classes))
    net = torchvision.models.resnet18(num_classes=classes)
    net.maxpool = nn.Identity()
    opt = torch.optim.AdamW(net.parameters(), 1e-3, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 1e-3, total_steps=args.steps)
    start = time.time()
    for step in range(args.steps):
        idx = torch.randint(0, len(yt), (args.batch,))
        x = xt[idx]
        # the same transform for the whole batch, cycling through the symmetries step by step
        if step % 2:
            x = x.flip(3)
        if args.augment == "dihedral":
            if (step // 2) % 2:
                x = x.flip(2)
            if (step // 4) % 2:
                x = x.transpose(2, 3)
        net.train()
        loss = F.cross_entropy(net(x), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if (step + 1) % 100 == 0:
            net.eval()
            with torch.no_grad():
                train_acc = (net(xt).argmax(1) == yt).float().mean().item()
                val_acc = (net(xv).argmax(1) == yv).float().mean().item()
            print("step %d  loss %.3f  train accuracy %.3f  val accuracy %.3f  (%.0f s)"
                  % (step + 1, loss.item(), train_acc, val_acc, time.time() - start), flush=True)


if __name__ == "__main__":
    main()
