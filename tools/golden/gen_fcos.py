"""Golden values for the FCOS detector (detection module) from torchvision 0.14.

Writes two files under detection/src/test/resources/golden/:
  fcos_ops.safetensors   box ops, losses, coder, anchors, target assignment, FCOS loss,
                         post-processing, NMS, GeneralizedRCNNTransform
  fcos_model.safetensors a whole FCOS (ResNet-18 + FPN with P6/P7, 64 channels, 5 classes) whose
                         weights are a deterministic function of each parameter's name, so the
                         Java side rebuilds the same model without shipping ~45 MB of weights:
                         features, head outputs, detections, losses and gradients.

Run: /usr/bin/python3 tools/golden/generate.py fcos
"""
import math
import zlib

import torch
import torchvision
from torchvision.models import resnet18
from torchvision.models.detection import FCOS
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.transform import GeneralizedRCNNTransform, _resize_image_and_masks
from torchvision.ops import boxes as box_ops
from torchvision.ops import generalized_box_iou_loss, sigmoid_focal_loss
from torchvision.ops import misc as misc_nn_ops
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

from goldens import Cases

# ---- deterministic values (mirrored by DeterministicWeights.java) ------------------------------


def det_uniform(name, numel):
    """numel float32 values in [-1, 1) from the CRC-32 of name; exact in float32 on both sides."""
    seed = zlib.crc32(name.encode("utf-8"))
    k = torch.arange(numel, dtype=torch.int64)
    h = (k * 2654435761 + seed) & 0xFFFFFFFF
    h = h ^ (h >> 16)
    h = (h * 0x45D9F3B) & 0xFFFFFFFF
    h = h ^ (h >> 16)
    u = (h >> 8).to(torch.float32) / float(1 << 24)
    return u * 2.0 - 1.0


def affine_for(name, shape):
    """(offset, scale) of the value offset + scale * u for a parameter or buffer, u in [-1, 1)."""
    if name.endswith("running_var"):
        return 1.125, 0.125
    if name.endswith("running_mean"):
        return 0.0, 0.1
    if len(shape) == 4:
        fan_in = shape[1] * shape[2] * shape[3]
        return 0.0, float(torch.tensor(math.sqrt(3.0 / fan_in), dtype=torch.float32))
    if name.endswith("cls_logits.bias"):
        return -2.0, 0.5
    if name.endswith("bbox_reg.bias"):
        return 1.0, 0.5
    is_norm = ".bn" in name or "downsample.1" in name or (".conv." in name and not name.split(".")[-2] in ("0", "3", "6", "9"))
    if is_norm and name.endswith("weight"):
        return 1.0, 0.1
    if is_norm and name.endswith("bias"):
        return 0.0, 0.1
    if name.endswith("bias"):
        return 0.0, 0.05
    raise ValueError(f"no rule for {name} {shape}")


def fill_deterministic(model):
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if t.dtype != torch.float32:
                continue
            off, scale = affine_for(name, tuple(t.shape))
            v = det_uniform(name, t.numel()).reshape(t.shape)
            t.copy_(v * scale + off)


def det_image(name, h, w, rects):
    """A [3, h, w] image: 0.5 * u in [0, 1) noise, +0.5 inside the given rectangles."""
    u = (det_uniform(name, 3 * h * w).reshape(3, h, w) + 1.0) * 0.5
    img = u * 0.5
    for (x0, y0, x1, y1) in rects:
        img[:, y0:y1, x0:x1] += 0.5
    return img


# ---- small helpers -----------------------------------------------------------------------------


def rand_boxes(g, n, size, min_wh=2.0, max_wh=None):
    max_wh = max_wh or size / 2
    xy = torch.rand(n, 2, generator=g) * (size - max_wh)
    wh = min_wh + torch.rand(n, 2, generator=g) * (max_wh - min_wh)
    return torch.cat([xy, xy + wh], dim=1)


def fcos_shell(num_classes=5, **kw):
    """An FCOS object whose backbone is never run: for compute_loss / postprocess_detections."""

    class Dummy(torch.nn.Module):
        out_channels = 32

    return FCOS(Dummy(), num_classes=num_classes, **kw)


def anchors_for(padded, grids):
    gen = AnchorGenerator(((8,), (16,), (32,), (64,), (128,)), ((1.0,),) * 5)
    il = ImageList(torch.zeros(1, 3, *padded), [padded])
    feats = [torch.zeros(1, 1, gh, gw) for gh, gw in grids]
    return gen(il, feats)[0]


def grid_chain(h, w):
    """Feature sizes of P3..P7 for a padded h x w (stride-2 convs: ceil halving)."""
    sizes = []
    gh, gw = h // 8, w // 8
    for _ in range(5):
        sizes.append((gh, gw))
        gh, gw = (gh + 1) // 2, (gw + 1) // 2
    return sizes


# ---- ops golden --------------------------------------------------------------------------------


def ops_cases():
    c = Cases()
    g = torch.Generator().manual_seed(1234)

    # IoU / GIoU / area
    b1 = rand_boxes(g, 7, 50.0)
    b2 = torch.cat([rand_boxes(g, 4, 50.0), b1[:2].clone(),
                    torch.tensor([[b1[2, 2].item(), b1[2, 1].item(), b1[2, 2].item() + 5, b1[2, 3].item()],
                                  [200.0, 200.0, 210.0, 220.0],
                                  [b1[3, 0].item() + 1, b1[3, 1].item() + 1, b1[3, 2].item() - 1, b1[3, 3].item() - 1]])])
    c.add("iou/float", {}, boxes1=b1, boxes2=b2, area1=box_ops.box_area(b1), iou=box_ops.box_iou(b1, b2),
          giou=box_ops.generalized_box_iou(b1, b2))
    i1 = torch.tensor([[0, 0, 10, 10], [5, 5, 15, 20], [2, 3, 4, 9]], dtype=torch.int64)
    i2 = torch.tensor([[0, 0, 10, 10], [10, 10, 20, 20], [3, 0, 12, 4], [20, 20, 30, 25]], dtype=torch.int64)
    c.add("iou/int", {}, boxes1=i1, boxes2=i2, area1=box_ops.box_area(i1), iou=box_ops.box_iou(i1, i2),
          giou=box_ops.generalized_box_iou(i1, i2))
    clip_in = torch.tensor([[-5.0, -3.0, 20.0, 40.0], [10.0, 12.0, 70.0, 33.0], [-1.0, 50.0, 3.0, 61.0]])
    c.add("clip", {"height": 45, "width": 64}, boxes=clip_in, clipped=box_ops.clip_boxes_to_image(clip_in, (45, 64)),
          small=box_ops.remove_small_boxes(torch.tensor([[0.0, 0, 1, 5], [0, 0, 2, 2], [0, 0, 5, 1.5]]), 2.0))

    # GIoU loss: value per pair and gradient of the sum for the first boxes
    gt = rand_boxes(g, 9, 60.0, 3.0, 30.0)
    pred = gt + torch.randn(9, 4, generator=g) * 4.0
    pred = torch.cat([torch.minimum(pred[:, :2], pred[:, 2:] - 0.5), pred[:, 2:]], dim=1)
    pred[1] = gt[1]                                    # identical: every min/max ties
    pred[2, 0] = gt[2, 0]                              # one tied coordinate
    pred[2, 3] = gt[2, 3]
    pred[3] = gt[3] + torch.tensor([100.0, 100.0, 100.0, 100.0])  # disjoint
    for case, (p, t) in {"giou_loss/mixed": (pred, gt)}.items():
        p = p.clone().requires_grad_(True)
        loss = generalized_box_iou_loss(p, t, reduction="none")
        loss.sum().backward()
        c.add(case, {"eps": 1e-7}, boxes1=p.detach(), boxes2=t, loss=loss.detach(), grad=p.grad)

    # sigmoid focal loss
    x = torch.rand(6, 7, generator=g) * 16 - 8
    onehot = torch.zeros(6, 7)
    onehot[0, 3] = 1
    onehot[2, 0] = 1
    onehot[4, 6] = 1
    soft = torch.rand(6, 7, generator=g)
    for case, (t, alpha, gamma) in {"focal/default": (onehot, 0.25, 2.0), "focal/soft": (soft, 0.5, 1.5),
                                    "focal/plain_bce": (onehot, -1.0, 0.0)}.items():
        xi = x.clone().requires_grad_(True)
        loss = sigmoid_focal_loss(xi, t, alpha=alpha, gamma=gamma, reduction="none")
        loss.sum().backward()
        c.add(case, {"alpha": alpha, "gamma": gamma}, inputs=x, targets=t, loss=loss.detach(), grad=xi.grad)

    # box coder
    coder = torchvision.models.detection._utils.BoxLinearCoder(normalize_by_size=True)
    ref = anchors_for((64, 96), grid_chain(64, 96))[:20]
    prop = rand_boxes(g, 20, 64.0, 2.0, 40.0)
    codes = torch.rand(20, 4, generator=g) * 3
    c.add("coder", {}, reference=ref, proposals=prop, encoded=coder.encode(ref, prop), codes=codes,
          decoded=coder.decode(codes, ref))

    # anchors: exact multiples of 32 and a size whose P6/P7 strides are not 64/128
    for case, padded in {"anchors/160x96": (96, 160), "anchors/224x288": (224, 288)}.items():
        grids = grid_chain(*padded)
        c.add(case, {"padded": list(padded), "grids": [list(x) for x in grids]}, anchors=anchors_for(padded, grids))

    assignment_cases(c, g)
    loss_cases(c, g)
    postprocess_cases(c, g)
    nms_cases(c, g)
    transform_cases(c, g)
    return c


def torchvision_matching(anchors, num_per_level, boxes):
    """FCOS.compute_loss's matching, captured by replacing the head's loss."""
    model = fcos_shell()
    captured = {}

    def capture(targets, head_outputs, anchors_, matched_idxs):
        captured["m"] = matched_idxs
        return {}

    model.head.compute_loss = capture
    model.compute_loss([{"boxes": boxes, "labels": torch.ones(len(boxes), dtype=torch.int64)}], None, [anchors],
                       num_per_level)
    return captured["m"][0]


def assignment_cases(c, g):
    padded = (256, 320)
    grids = grid_chain(*padded)
    anchors = anchors_for(padded, grids)
    num = [gh * gw for gh, gw in grids]
    cases = {
        "assign/random": torch.cat([rand_boxes(g, 6, 250.0, 8.0, 60.0), rand_boxes(g, 4, 250.0, 60.0, 240.0)]),
        # same centre, decreasing size: the smallest box wins where several match
        "assign/nested": torch.tensor([[40.0, 40.0, 200.0, 200.0], [80.0, 80.0, 160.0, 160.0],
                                       [100.0, 100.0, 140.0, 140.0]]),
        # areas 1003 and 1000 give the same float32(1e8 - area): torchvision keeps the first box
        "assign/area_rounding": torch.tensor([[60.0, 60.0, 119.0, 77.0], [60.0, 60.0, 100.0, 85.0]]),
        # point (64, 64) has max distance exactly 64: outside level 0 (< 64) and level 1 (> 64)
        "assign/boundaries": torch.tensor([[0.0, 0.0, 128.0, 128.0], [140.0, 20.0, 164.0, 44.0],
                                           [200.0, 100.0, 236.0, 124.0]]),
        "assign/empty": torch.zeros(0, 4),
    }
    for case, boxes in cases.items():
        m = torchvision_matching(anchors, num, boxes)
        c.add(case, {"padded": list(padded), "grids": [list(x) for x in grids]}, boxes=boxes, matched=m)


def head_outputs(g, n, p, k):
    cls = torch.randn(n, p, k, generator=g) * 2 - 2
    reg = torch.relu(torch.randn(n, p, 4, generator=g) * 0.6 + 1.0)
    ctr = torch.randn(n, p, 1, generator=g)
    return cls, reg, ctr


def loss_cases(c, g):
    padded = (96, 128)
    grids = grid_chain(*padded)
    anchors = anchors_for(padded, grids)
    num = [gh * gw for gh, gw in grids]
    p = sum(num)
    k = 5
    boxes_a = torch.tensor([[10.0, 12.0, 60.0, 70.0], [50.0, 40.0, 120.0, 90.0], [5.0, 60.0, 30.0, 94.0]])
    boxes_b = torch.tensor([[20.0, 20.0, 44.0, 52.0], [0.0, 0.0, 128.0, 96.0]])
    tiny = torch.tensor([[1.0, 1.0, 3.0, 3.0]])
    cases = {
        "loss/two_images": [(boxes_a, [1, 4, 2]), (boxes_b, [3, 1])],
        "loss/with_empty": [(boxes_a, [2, 2, 0]), (torch.zeros(0, 4), [])],
        "loss/no_foreground": [(tiny, [1])],
    }
    for case, targets in cases.items():
        cls, reg, ctr = head_outputs(g, len(targets), p, k)
        outs = {"cls_logits": cls.clone().requires_grad_(True), "bbox_regression": reg.clone().requires_grad_(True),
                "bbox_ctrness": ctr.clone().requires_grad_(True)}
        tdicts = [{"boxes": b, "labels": torch.tensor(l, dtype=torch.int64)} for b, l in targets]
        model = fcos_shell(num_classes=k)
        losses = model.compute_loss(tdicts, outs, [anchors] * len(targets), num)
        total = losses["classification"] + losses["bbox_regression"] + losses["bbox_ctrness"]
        total.backward()
        tensors = {"cls": cls, "reg": reg, "ctr": ctr,
                   "classification": losses["classification"].detach(),
                   "bbox_regression": losses["bbox_regression"].detach(),
                   "bbox_ctrness": losses["bbox_ctrness"].detach(),
                   "grad_cls": outs["cls_logits"].grad, "grad_reg": outs["bbox_regression"].grad,
                   "grad_ctr": outs["bbox_ctrness"].grad}
        for i, (b, l) in enumerate(targets):
            tensors[f"boxes{i}"] = b
            tensors[f"labels{i}"] = torch.tensor(l, dtype=torch.int64)
        c.add(case, {"padded": list(padded), "grids": [list(x) for x in grids], "images": len(targets)}, **tensors)


def postprocess_cases(c, g):
    padded = (128, 160)
    grids = grid_chain(*padded)
    anchors = anchors_for(padded, grids)
    num = [gh * gw for gh, gw in grids]
    p = sum(num)
    k = 5
    sizes = [(120, 160), (128, 97)]
    for case, (thresh, nms, per_img, topk) in {"post/default": (0.2, 0.6, 100, 1000),
                                              "post/small_cuts": (0.3, 0.5, 5, 7)}.items():
        cls, reg, ctr = head_outputs(g, 2, p, k)
        reg = reg * 2.0
        model = fcos_shell(num_classes=k, score_thresh=thresh, nms_thresh=nms, detections_per_img=per_img,
                           topk_candidates=topk)
        split = {"cls_logits": list(cls.split(num, 1)), "bbox_regression": list(reg.split(num, 1)),
                 "bbox_ctrness": list(ctr.split(num, 1))}
        dets = model.postprocess_detections(split, [list(anchors.split(num))] * 2, sizes)
        # ties in score would make the order ambiguous: this seed has none
        scores = torch.sqrt(torch.sigmoid(cls) * torch.sigmoid(ctr))
        for i in range(2):
            s = scores[i][scores[i] > thresh]
            assert len(torch.unique(s)) == len(s), "tied scores, pick another seed"
        tensors = {"cls": cls, "reg": reg, "ctr": ctr}
        for i, d in enumerate(dets):
            tensors[f"boxes{i}"] = d["boxes"]
            tensors[f"scores{i}"] = d["scores"]
            tensors[f"labels{i}"] = d["labels"]
        c.add(case, {"padded": list(padded), "grids": [list(x) for x in grids], "sizes": [list(s) for s in sizes],
                     "score_thresh": thresh, "nms_thresh": nms, "detections_per_img": per_img, "topk_candidates": topk},
              **tensors)


def nms_cases(c, g):
    centres = torch.rand(10, 2, generator=g) * 100
    idx = torch.randint(0, 10, (60,), generator=g)
    xy = centres[idx] + torch.randn(60, 2, generator=g) * 3
    wh = 10 + torch.rand(60, 2, generator=g) * 10
    boxes = torch.cat([xy - wh / 2, xy + wh / 2], dim=1)
    scores = torch.randperm(60, generator=g).to(torch.float32) / 60 + 0.01
    labels = torch.randint(0, 3, (60,), generator=g)
    c.add("nms/small", {"iou": 0.5}, boxes=boxes, scores=scores, labels=labels,
          keep=box_ops.nms(boxes, scores, 0.5), batched=box_ops.batched_nms(boxes, scores, labels, 0.5))
    n = 1100  # 4400 coordinates: torchvision's per-class path on the CPU
    centres = torch.rand(40, 2, generator=g) * 300
    idx = torch.randint(0, 40, (n,), generator=g)
    xy = centres[idx] + torch.randn(n, 2, generator=g) * 4
    wh = 8 + torch.rand(n, 2, generator=g) * 16
    boxes = torch.cat([xy - wh / 2, xy + wh / 2], dim=1)
    scores = torch.randperm(n, generator=g).to(torch.float32) / n + 0.001
    labels = torch.randint(0, 4, (n,), generator=g)
    c.add("nms/large", {"iou": 0.6}, boxes=boxes, scores=scores, labels=labels,
          keep=box_ops.nms(boxes, scores, 0.6), batched=box_ops.batched_nms(boxes, scores, labels, 0.6))


def transform_cases(c, g):
    # output sizes for many odd input sizes: where float32 rounding of the scale decides floor()
    rows = []
    specs = [(800, 1333), (128, 160), (600, 1000), (512, 512)]
    for _ in range(160):
        h = int(torch.randint(17, 1500, (1,), generator=g))
        w = int(torch.randint(17, 1500, (1,), generator=g))
        mn, mx = specs[int(torch.randint(0, len(specs), (1,), generator=g))]
        rows.append((h, w, mn, mx))
    rows += [(333, 500, 800, 1333), (480, 640, 800, 1333), (427, 640, 800, 1333), (375, 500, 800, 1333),
             (1, 1, 800, 1333), (3, 1000, 800, 1333), (999, 1001, 800, 1333)]
    table = []
    for h, w, mn, mx in rows:
        out, _ = _resize_image_and_masks(torch.zeros(1, h, w), float(mn), float(mx))
        table.append([h, w, mn, mx, out.shape[-2], out.shape[-1]])
    c.add("transform/sizes", {}, table=torch.tensor(table, dtype=torch.int64))

    # a whole batch: normalise, bilinear resize, boxes, nearest masks, padding; then postprocess
    t = GeneralizedRCNNTransform(40, 64, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    t.eval()
    images = [torch.rand(3, 21, 33, generator=g), torch.rand(3, 25, 17, generator=g)]
    masks0 = (torch.rand(2, 21, 33, generator=g) > 0.5).to(torch.uint8)
    masks1 = (torch.rand(1, 25, 17, generator=g) > 0.5).to(torch.uint8)
    targets = [{"boxes": torch.tensor([[1.0, 2.0, 20.0, 15.5], [3.5, 0.0, 33.0, 21.0]]),
                "labels": torch.tensor([1, 2]), "masks": masks0},
               {"boxes": torch.tensor([[0.0, 1.0, 16.0, 24.0]]), "labels": torch.tensor([3]), "masks": masks1}]
    il, out_t = t(images, [dict(x) for x in targets])
    sizes = [list(s) for s in il.image_sizes]
    dets = [{"boxes": out_t[0]["boxes"] + 0.25}, {"boxes": out_t[1]["boxes"] * 0.5}]
    back = t.postprocess([dict(d) for d in dets], il.image_sizes, [(21, 33), (25, 17)])
    c.add("transform/batch", {"min_size": 40, "max_size": 64, "sizes": sizes},
          image0=images[0], image1=images[1], masks0=masks0, masks1=masks1, boxes0=targets[0]["boxes"],
          boxes1=targets[1]["boxes"], batch=il.tensors, out_boxes0=out_t[0]["boxes"], out_boxes1=out_t[1]["boxes"],
          out_masks0=out_t[0]["masks"], out_masks1=out_t[1]["masks"], det_boxes0=dets[0]["boxes"],
          det_boxes1=dets[1]["boxes"], back_boxes0=back[0]["boxes"], back_boxes1=back[1]["boxes"])


# ---- model golden ------------------------------------------------------------------------------

MODEL_CONFIG = {"backbone": "resnet18", "fpn_channels": 64, "num_classes": 5, "min_size": 128, "max_size": 160,
                "score_thresh": 0.05, "nms_thresh": 0.6, "detections_per_img": 100, "topk_candidates": 1000,
                "trainable_backbone_layers": 5}


def build_model():
    body = resnet18(weights=None, norm_layer=misc_nn_ops.FrozenBatchNorm2d)
    backbone = BackboneWithFPN(body, {"layer2": "0", "layer3": "1", "layer4": "2"}, [128, 256, 512],
                               MODEL_CONFIG["fpn_channels"],
                               extra_blocks=LastLevelP6P7(MODEL_CONFIG["fpn_channels"], MODEL_CONFIG["fpn_channels"]))
    model = FCOS(backbone, num_classes=MODEL_CONFIG["num_classes"], min_size=MODEL_CONFIG["min_size"],
                 max_size=MODEL_CONFIG["max_size"], score_thresh=MODEL_CONFIG["score_thresh"],
                 nms_thresh=MODEL_CONFIG["nms_thresh"], detections_per_img=MODEL_CONFIG["detections_per_img"],
                 topk_candidates=MODEL_CONFIG["topk_candidates"])
    fill_deterministic(model)
    return model


MODEL_IMAGES = [("image0", 90, 120, [(10, 20, 50, 70), (60, 5, 110, 40)]),
                ("image1", 100, 77, [(5, 10, 70, 90)])]
MODEL_TARGETS = [(torch.tensor([[10.0, 20.0, 50.0, 70.0], [60.0, 5.0, 110.0, 40.0]]), [1, 3]),
                 (torch.tensor([[5.0, 10.0, 70.0, 90.0], [30.0, 30.0, 45.0, 52.0]]), [4, 2])]
TRAIN64_CONFIG = dict(MODEL_CONFIG, min_size=64, max_size=96)
TRAIN64_IMAGE = 1
FULL_GRAD_MAX = 3000
GRAD_PREFIX = 64


def model_cases():
    torch.set_num_threads(2)
    c = Cases()
    model = build_model()
    images = [det_image(n, h, w, r) for n, h, w, r in MODEL_IMAGES]
    targets = [{"boxes": b, "labels": torch.tensor(l, dtype=torch.int64)} for b, l in MODEL_TARGETS]

    model.eval()
    with torch.no_grad():
        il, _ = model.transform(images)
        feats = list(model.backbone(il.tensors).values())
        head = model.head(feats)
        dets = model(images)
    tensors = {"batch_sum": il.tensors.sum(dim=(2, 3)), "batch_crop": il.tensors[:, :, 40:48, 40:48]}
    for i, f in enumerate(feats):
        tensors[f"feature{i}_head"] = f[:, :8]
        tensors[f"feature{i}_mean"] = f.mean(dim=(2, 3))
    tensors.update({"cls_logits": head["cls_logits"], "bbox_regression": head["bbox_regression"],
                    "bbox_ctrness": head["bbox_ctrness"]})
    for i, d in enumerate(dets):
        tensors[f"det_boxes{i}"] = d["boxes"]
        tensors[f"det_scores{i}"] = d["scores"]
        tensors[f"det_labels{i}"] = d["labels"]
    c.add("eval", {"config": MODEL_CONFIG, "image_sizes": [list(s) for s in il.image_sizes],
                   "padded": list(il.tensors.shape[-2:]), "feature_shapes": [list(f.shape) for f in feats]},
          **tensors)

    # float32 training step: the losses, and the gradients of the last head convs, which depend only
    # on forward values (deeper gradients pass ReLU masks, where float32 rounding may flip an input
    # lying within ~1e-6 of zero; their parity is checked in float64 below)
    model.train()
    losses = model(images, [dict(t) for t in targets])
    total = losses["classification"] + losses["bbox_regression"] + losses["bbox_ctrness"]
    total.backward()
    tensors = {k: v.detach() for k, v in losses.items()}
    last = [n for n, _ in model.named_parameters() if n.split(".")[-2] in ("cls_logits", "bbox_reg", "bbox_ctrness")]
    params = dict(model.named_parameters())
    for name in last:
        tensors[f"grad/{name}"] = params[name].grad
    c.add("train", {"config": MODEL_CONFIG, "full": last}, **tensors)

    # float64 training step on one smaller image: every gradient
    model64 = build_model().double()
    model64.transform.min_size = (TRAIN64_CONFIG["min_size"],)
    model64.transform.max_size = TRAIN64_CONFIG["max_size"]
    model64.train()
    image64 = images[TRAIN64_IMAGE].double()
    boxes64, labels64 = MODEL_TARGETS[TRAIN64_IMAGE]
    losses = model64([image64], [{"boxes": boxes64.double(), "labels": torch.tensor(labels64, dtype=torch.int64)}])
    total = losses["classification"] + losses["bbox_regression"] + losses["bbox_ctrness"]
    total.backward()
    tensors = {k: v.detach() for k, v in losses.items()}
    full, partial = [], []
    for name, p in model64.named_parameters():
        gr = p.grad.detach()
        if gr.numel() <= FULL_GRAD_MAX:
            tensors[f"grad/{name}"] = gr
            full.append(name)
        else:
            flat = gr.reshape(-1)
            tensors[f"grad_stats/{name}"] = torch.stack([flat.sum(), (flat * flat).sum(), flat.abs().sum()])
            tensors[f"grad_prefix/{name}"] = flat[:GRAD_PREFIX]
            partial.append(name)
    c.add("train64", {"config": TRAIN64_CONFIG, "image": TRAIN64_IMAGE, "full": full, "partial": partial}, **tensors)

    c.add("keys", {"state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()],
                   "trainable": [k for k, p in model.named_parameters() if p.requires_grad]})
    images_t = {}
    for (n, h, w, r), img in zip(MODEL_IMAGES, images):
        images_t[n] = img[:, :4, :4]
    c.add("inputs", {"images": [[n, h, w, r] for n, h, w, r in MODEL_IMAGES],
                     "targets": [[b.tolist(), l] for b, l in MODEL_TARGETS]}, **images_t)
    return c


def main():
    torch.manual_seed(0)
    ops_cases().save("detection", "fcos_ops")
    model_cases().save("detection", "fcos_model")


if __name__ == "__main__":
    main()
