#!/usr/bin/env python3
"""How often a detector names the right class of the objects it finds.

For each ground-truth object, take the highest-scored detection of its image that overlaps it at
IoU > 0.5 (whatever its class): the object counts as located, and as correctly classified when
that detection's class is the object's. Separates "cannot find objects" from "finds them, names
them wrong", which COCO AP mixes. Plain Python, no dependencies.

The second table splits the same counts by the object's box size (the geometric mean of its
width and height, in 16-pixel bins).

usage: class_accuracy.py GT.json DETECTIONS.json   (COCO ground truth, COCO results array)
"""
import json
import sys
from collections import Counter, defaultdict


def iou(a, b):
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0.0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def main(gt_path, dt_path):
    gt = json.load(open(gt_path))
    dets = defaultdict(list)
    for d in json.load(open(dt_path)):
        dets[d["image_id"]].append(d)
    names = {c["id"]: c["name"] for c in gt["categories"]}
    confusion = Counter()
    by_size = defaultdict(lambda: [0, 0, 0])
    located = correct = 0
    for a in gt["annotations"]:
        size = by_size[min(int((a["bbox"][2] * a["bbox"][3]) ** 0.5 // 16), 7)]
        size[0] += 1
        hits = [d for d in dets[a["image_id"]] if iou(a["bbox"], d["bbox"]) > 0.5]
        if not hits:
            confusion[(a["category_id"], None)] += 1
            continue
        best = max(hits, key=lambda d: d["score"])
        located += 1
        correct += best["category_id"] == a["category_id"]
        size[1] += 1
        size[2] += best["category_id"] == a["category_id"]
        confusion[(a["category_id"], best["category_id"])] += 1
    total = len(gt["annotations"])
    print("located %d of %d objects (%.1f%%); right class for %.1f%% of those (chance %.1f%%)"
          % (located, total, 100.0 * located / total, 100.0 * correct / max(1, located), 100.0 / len(names)))
    ids = sorted(names)
    print("%10s" % "gt \\ pred" + "".join("%9s" % names[i][:8] for i in ids) + "%9s" % "missed")
    for g in ids:
        print("%10s" % names[g][:10] + "".join("%9d" % confusion[(g, p)] for p in ids) + "%9d" % confusion[(g, None)])

    print("%10s %8s %8s %12s" % ("size px", "objects", "located", "right class"))
    for b in sorted(by_size):
        n, found, right = by_size[b]
        label = "%d-%d" % (16 * b, 16 * b + 16) if b < 7 else ">= 112"
        print("%10s %8d %7.1f%% %11.1f%%" % (label, n, 100.0 * found / n, 100.0 * right / max(1, found)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    main(sys.argv[1], sys.argv[2])
