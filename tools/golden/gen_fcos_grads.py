"""Gradient accuracy of a whole FCOS training step (issue 13): torchvision 0.14 in float64 (the
truth) and in float32 (the bar: PyTorch's own float32 error).

The case: FCOS ResNet-18 + FPN with P6/P7, torchvision's random initialisation (fixed seed),
frozen BatchNorm "calibrated" on the batch (running statistics = the batch statistics of a
train-mode BatchNorm forward, layer by layer), all five backbone stages trainable, two synthetic
photos (smooth gradients, blobs and edges, saved as PNG) with a few boxes each, one batch.

Two outputs:
  --out DIR       the full case for `cassl loss` (config.json, weights.safetensors, images/*.png,
                  ann.json, truth.safetensors with losses and every gradient in float64 and float32);
                  large (ResNet-18: ~45 MB per copy of the parameters), kept outside the repository.
  (default)       detection/src/test/resources/golden/fcos_grads.safetensors: the test-suite case,
                  small enough for a few seconds on 2 cores and a small file: gen_fcos.py's model
                  (ResNet-18, FPN 64, 5 classes, weights a deterministic function of each name, so
                  DeterministicWeights.java rebuilds them without shipping ~45 MB) on both of its
                  images with all their boxes at 128..160, one batch. Per parameter: the float64
                  gradient at SAMPLE evenly strided entries (the truth), and PyTorch float32's
                  relative L2 error on those entries and on the whole tensor (the bar); the losses
                  in float64 and float32.

Compare `cassl loss --grads G` with truth.safetensors per parameter (relative L2 against grad64/,
and grad32/'s own error as the bar); bisect op by op with detection's NodeProbeTest.

Run: /usr/bin/python3 tools/golden/generate.py fcos_grads
     /usr/bin/python3 tools/golden/gen_fcos_grads.py --out /tmp/fcosgrads [--fpn 256 --min 288 --max 480]
"""
import argparse
import json
import math
import os
import sys

import torch
from torchvision.models import resnet18
from torchvision.models.detection import FCOS
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.ops import misc as misc_nn_ops
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from goldens import ROOT, save_safetensors  # noqa: E402

FULL_CASE = {"fpn": 256, "min_size": 288, "max_size": 480, "num_classes": 5,
             "images": [(240, 320), (300, 260)], "seed": 13}


def config_for(case):
    return {"backbone": "resnet18", "fpn_channels": case["fpn"], "num_classes": case["num_classes"],
            "min_size": case["min_size"], "max_size": case["max_size"], "frozen_bn": True,
            "trainable_backbone_layers": 5}


def build(case, norm_layer):
    torch.manual_seed(case["seed"])
    body = resnet18(weights=None, norm_layer=norm_layer)
    backbone = _resnet_fpn_extractor(body, 5, returned_layers=[2, 3, 4],
                                     extra_blocks=LastLevelP6P7(case["fpn"], case["fpn"]))
    # _resnet_fpn_extractor builds the FPN with 256 channels; rebuild with the case's width
    if case["fpn"] != 256:
        from torchvision.models.detection.backbone_utils import BackboneWithFPN
        torch.manual_seed(case["seed"] + 1)
        backbone = BackboneWithFPN(body, {"layer2": "0", "layer3": "1", "layer4": "2"}, [128, 256, 512], case["fpn"],
                                   extra_blocks=LastLevelP6P7(case["fpn"], case["fpn"]))
    return FCOS(backbone, num_classes=case["num_classes"], min_size=case["min_size"], max_size=case["max_size"])


def synthetic_photo(h, w, seed):
    """A smooth uint8 RGB image [3, h, w]: a lit gradient, soft blobs, a few hard-edged shapes."""
    g = torch.Generator().manual_seed(seed)
    y = torch.linspace(0, 1, h).view(h, 1)
    x = torch.linspace(0, 1, w).view(1, w)
    img = torch.zeros(3, h, w, dtype=torch.float64)
    base = torch.rand(3, generator=g, dtype=torch.float64)
    for c in range(3):
        img[c] = 0.3 + 0.4 * base[c] * (0.6 * x + 0.4 * y)
    for _ in range(6):
        cy, cx, r = torch.rand(3, generator=g, dtype=torch.float64)
        col = torch.rand(3, generator=g, dtype=torch.float64) - 0.5
        blob = torch.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.02 + 0.08 * r))
        img += col.view(3, 1, 1) * 0.6 * blob
    for _ in range(4):
        x0, y0 = (torch.rand(2, generator=g) * 0.7).tolist()
        ww, hh = (0.1 + torch.rand(2, generator=g) * 0.25).tolist()
        col = torch.rand(3, generator=g, dtype=torch.float64)
        m = ((x >= x0) & (x < x0 + ww) & (y >= y0) & (y < y0 + hh)).to(torch.float64)
        img = img * (1 - m) + col.view(3, 1, 1) * m
    img += 0.02 * torch.sin(40 * x + 25 * y)
    return (img.clamp(0, 1) * 255).round().to(torch.uint8)


def random_boxes(h, w, seed, num_classes):
    g = torch.Generator().manual_seed(seed + 100)
    n = int(torch.randint(3, 7, (1,), generator=g))
    boxes, labels = [], []
    for _ in range(n):
        bw = int(torch.randint(max(8, w // 10), w // 2, (1,), generator=g))
        bh = int(torch.randint(max(8, h // 10), h // 2, (1,), generator=g))
        x0 = int(torch.randint(0, w - bw, (1,), generator=g))
        y0 = int(torch.randint(0, h - bh, (1,), generator=g))
        boxes.append([x0, y0, x0 + bw, y0 + bh])
        labels.append(int(torch.randint(1, num_classes, (1,), generator=g)))
    return boxes, labels


def to_float(img_u8):
    """uint8 -> [0, 1] float32 as the Java loader does it (v * (1/255f))."""
    return img_u8.to(torch.float32) * torch.tensor(1.0 / 255.0, dtype=torch.float32)


def make_case(case):
    """(config, float32 state dict, images uint8, targets) with BN calibrated on the batch."""
    images_u8 = [synthetic_photo(h, w, case["seed"] * 10 + i) for i, (h, w) in enumerate(case["images"])]
    targets = [random_boxes(h, w, case["seed"] * 10 + i, case["num_classes"]) for i, (h, w) in enumerate(case["images"])]
    images = [to_float(im) for im in images_u8]

    # calibration: the same network with plain BatchNorm, one train-mode forward of the batch
    # with momentum 1 sets every running_mean/var to that layer's batch statistics
    calib = build(case, torch.nn.BatchNorm2d)
    for mod in calib.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.momentum = 1.0
    calib.train()
    with torch.no_grad():
        il, _ = calib.transform(images)
        calib.backbone(il.tensors)
    model = build(case, misc_nn_ops.FrozenBatchNorm2d)
    sd = {k: v for k, v in calib.state_dict().items() if not k.endswith("num_batches_tracked")}
    model.load_state_dict(sd)
    return model, images_u8, images, targets


def step(model, images, targets, dtype, threads=2):
    torch.set_num_threads(threads)
    m = model.to(dtype)
    m.train()
    m.zero_grad()
    ims = [im.to(dtype) for im in images]
    ts = [{"boxes": torch.tensor(b, dtype=dtype), "labels": torch.tensor(l, dtype=torch.int64)} for b, l in targets]
    losses = m(ims, ts)
    total = losses["classification"] + losses["bbox_regression"] + losses["bbox_ctrness"]
    total.backward()
    grads = {n: p.grad.detach().clone() for n, p in m.named_parameters() if p.grad is not None}
    return {k: v.detach().clone() for k, v in losses.items()}, grads


def rel_l2(a, b):
    a = a.double()
    b = b.double()
    return float((a - b).norm() / b.norm().clamp_min(1e-300))


def compute(case):
    model, images_u8, images, targets = make_case(case)
    weights32 = {k: v.clone() for k, v in model.state_dict().items()}
    loss64, grad64 = step(model, images, targets, torch.float64)
    model.load_state_dict(weights32)
    model = model.float()
    model.load_state_dict(weights32)
    loss32, grad32 = step(model, images, targets, torch.float32)
    errs = {n: rel_l2(grad32[n], grad64[n]) for n in grad64}
    return model, weights32, images_u8, targets, loss64, grad64, loss32, grad32, errs


def coco(case, targets, names):
    ims, anns = [], []
    for i, ((h, w), (boxes, labels), name) in enumerate(zip(case["images"], targets, names)):
        ims.append({"id": i + 1, "file_name": name, "height": h, "width": w})
        for b, l in zip(boxes, labels):
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": l, "iscrowd": 0,
                         "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "area": (b[2] - b[0]) * (b[3] - b[1])})
    cats = [{"id": c, "name": f"c{c}"} for c in range(1, case["num_classes"])]
    return {"images": ims, "annotations": anns, "categories": cats}


def write_full(out, case):
    from PIL import Image
    model, weights32, images_u8, targets, loss64, grad64, loss32, grad32, errs = compute(case)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    names = [f"photo{i}.png" for i in range(len(images_u8))]
    for im, n in zip(images_u8, names):
        Image.fromarray(im.permute(1, 2, 0).numpy()).save(os.path.join(out, "images", n))
    with open(os.path.join(out, "ann.json"), "w") as f:
        json.dump(coco(case, targets, names), f)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_for(case), f)
    save_safetensors(os.path.join(out, "weights.safetensors"), weights32)
    inputs = {}
    for i, (b, l) in enumerate(targets):
        inputs[f"image{i}"] = to_float(images_u8[i])
        inputs[f"boxes{i}"] = torch.tensor(b, dtype=torch.float32)
        inputs[f"labels{i}"] = torch.tensor(l, dtype=torch.int64)
    save_safetensors(os.path.join(out, "inputs.safetensors"), inputs)  # for NodeProbeTest
    truth = {}
    for k in loss64:
        truth[f"loss64/{k}"] = loss64[k]
        truth[f"loss32/{k}"] = loss32[k]
    for n in grad64:
        truth[f"grad64/{n}"] = grad64[n]
        truth[f"grad32/{n}"] = grad32[n]
    save_safetensors(os.path.join(out, "truth.safetensors"), truth)
    for n, e in errs.items():
        print(f"{n:60s} {e:.3e}")
    print("losses64", {k: float(v) for k, v in loss64.items()})
    print("losses32", {k: float(v) for k, v in loss32.items()})
    print("max torch float32 rel L2", max(errs.values()))


SAMPLE = 2048


def sample_index(numel):
    """Every step-th entry, step = ceil(numel / SAMPLE): the same entries on the Java side."""
    step = (numel + SAMPLE - 1) // SAMPLE
    return torch.arange(0, numel, step)


def test_case():
    import gen_fcos
    from goldens import Cases
    torch.set_num_threads(2)
    images = [gen_fcos.det_image(n, h, w, r) for n, h, w, r in gen_fcos.MODEL_IMAGES]
    # gen_fcos's boxes moved off integer coordinates: a box edge exactly on an anchor centre (or a
    # size exactly on a level's range limit) is a tie that float32 and float64 may break apart,
    # which changes the number of foreground points and every gradient by ~1/num_fg
    targets = [([[10.3, 20.6, 50.2, 70.7], [60.4, 5.3, 110.6, 40.2]], [1, 3]),
               ([[5.2, 10.7, 70.3, 90.4], [30.6, 30.3, 45.7, 52.6]], [4, 2])]
    model = gen_fcos.build_model()
    loss64, grad64 = step(model.double(), images, targets, torch.float64)
    model = gen_fcos.build_model()
    loss32, grad32 = step(model, images, targets, torch.float32)
    c = Cases()
    tensors = {}
    for k in loss64:
        tensors[f"loss64/{k}"] = loss64[k]
        tensors[f"loss32/{k}"] = loss32[k]
    worst = 0.0
    for n, g in grad64.items():
        idx = sample_index(g.numel())
        s64 = g.reshape(-1)[idx]
        s32 = grad32[n].reshape(-1)[idx]
        tensors[f"grad64/{n}"] = s64
        e_sample = rel_l2(s32, s64)
        e_full = rel_l2(grad32[n], g)
        tensors[f"torch32_err/{n}"] = torch.tensor([e_sample, e_full], dtype=torch.float64)
        worst = max(worst, e_full)
        print(f"{n:60s} torch32 sample {e_sample:.3e} full {e_full:.3e}")
    print("losses64", {k: float(v) for k, v in loss64.items()})
    print("losses32", {k: float(v) for k, v in loss32.items()})
    print("max torch float32 rel L2", worst)
    c.add("train", {"config": gen_fcos.MODEL_CONFIG, "sample": SAMPLE, "params": list(grad64.keys()),
                    "images": [[n, h, w, r] for n, h, w, r in gen_fcos.MODEL_IMAGES],
                    "targets": [[b, l] for b, l in targets]}, **tensors)
    c.save("detection", "fcos_grads")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--fpn", type=int, default=FULL_CASE["fpn"])
    ap.add_argument("--min", type=int, default=FULL_CASE["min_size"])
    ap.add_argument("--max", type=int, default=FULL_CASE["max_size"])
    args = ap.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    if args.out:
        case = dict(FULL_CASE, fpn=args.fpn, min_size=args.min, max_size=args.max)
        write_full(args.out, case)
    else:
        test_case()


if __name__ == "__main__":
    main()
