#!/usr/bin/env python3
"""Precision and recall of CA-SSL pseudo-labels against the unlabeled pool's true boxes, per tau.

usage: bench/pseudo_label_pr.py EXP/pseudo_labels.json DATA/unlabeled_gt.json [tau ...]

Class-agnostic, greedy matching by teacher score at IoU >= 0.5; the truth includes the novel kinds
(objects the teacher was never taught), so recall counts them too. unlabeled_gt.json is for
analysis only: nothing is chosen on it.
"""
import collections
import json
import sys


def iou(a, b):
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter + 1e-9)


def main():
    pseudo, gt = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
    taus = [float(t) for t in sys.argv[3:]] or [0.3, 0.4, 0.5, 0.6, 0.7]
    by_name = {im["file_name"].split("/")[-1]: im["id"] for im in gt["images"]}
    pseudo_name = {im["id"]: im["file_name"].split("/")[-1] for im in pseudo["images"]}
    truth = collections.defaultdict(list)
    for a in gt["annotations"]:
        truth[a["image_id"]].append(a["bbox"])
    preds = collections.defaultdict(list)
    for a in pseudo["annotations"]:
        preds[by_name[pseudo_name[a["image_id"]]]].append((a.get("teacher_score", 1.0), a["bbox"]))
    n_true = sum(len(v) for v in truth.values())
    for tau in taus:
        tp = n = 0
        for image, boxes in truth.items():
            kept = sorted((p for p in preds.get(image, []) if p[0] >= tau), key=lambda p: -p[0])
            n += len(kept)
            used = set()
            for _, b in kept:
                best, best_iou = -1, 0.5
                for k, g in enumerate(boxes):
                    if k not in used and iou(b, g) >= best_iou:
                        best, best_iou = k, iou(b, g)
                if best >= 0:
                    used.add(best)
                    tp += 1
        print(f"tau {tau:.2f}: {n} boxes, precision {tp / max(1, n):.2f}, recall {tp / max(1, n_true):.2f}")


if __name__ == "__main__":
    main()
