"""Golden values for the mask heads (detection module, package org.cassl.detection.mask).

CondInst pieces are written here from the reference semantics (AdelaiDet's aligned_bilinear,
dynamic mask head with a grouped conv, dice loss, bitmask sampling, inference resize) because
AdelaiDet is not installed; the Mask R-CNN pieces come from torchvision 0.14 itself
(paste_masks_in_image, project_masks_on_boxes / maskrcnn_loss, MultiScaleRoIAlign and its
LevelMapper, MaskRCNNHeads + MaskRCNNPredictor).

Writes detection/src/test/resources/golden/fcos_masks.safetensors.
Run: /usr/bin/python3 tools/golden/generate.py masks
"""
import torch
import torch.nn.functional as F
from torchvision.models.detection import roi_heads as tv_roi
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.ops import MultiScaleRoIAlign

from goldens import Cases

SOI = [64, 128, 256, 512, 1024]


# ---- CondInst reference (AdelaiDet semantics) ----------------------------------------------

def aligned_bilinear(tensor, factor):
    assert tensor.dim() == 4 and factor >= 1
    if factor == 1:
        return tensor
    h, w = tensor.size()[2:]
    tensor = F.pad(tensor, pad=(0, 1, 0, 1), mode="replicate")
    oh = factor * h + 1
    ow = factor * w + 1
    tensor = F.interpolate(tensor, size=(oh, ow), mode="bilinear", align_corners=True)
    tensor = F.pad(tensor, pad=(factor // 2, 0, factor // 2, 0), mode="replicate")
    return tensor[:, :, :oh - 1, :ow - 1]


def compute_locations(h, w, stride, dtype):
    shifts_x = torch.arange(0, w * stride, step=stride, dtype=dtype)
    shifts_y = torch.arange(0, h * stride, step=stride, dtype=dtype)
    shift_y, shift_x = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
    return torch.stack((shift_x.reshape(-1), shift_y.reshape(-1)), dim=1) + stride // 2


def parse_dynamic_params(params, channels, weight_nums, bias_nums):
    n = params.size(0)
    num_layers = len(weight_nums)
    splits = list(torch.split_with_sizes(params, weight_nums + bias_nums, dim=1))
    ws, bs = splits[:num_layers], splits[num_layers:]
    for l in range(num_layers):
        if l < num_layers - 1:
            ws[l] = ws[l].reshape(n * channels, -1, 1, 1)
            bs[l] = bs[l].reshape(n * channels)
        else:
            ws[l] = ws[l].reshape(n, -1, 1, 1)
            bs[l] = bs[l].reshape(n)
    return ws, bs


def dynamic_mask_head(mask_feats, params, im_inds, locations, levels):
    """AdelaiDet DynamicMaskHead.mask_heads_forward_with_coords: grouped 1x1 convs."""
    n = params.size(0)
    N, C, H, W = mask_feats.shape
    locs = compute_locations(H, W, 8, mask_feats.dtype)
    rel = locations.reshape(-1, 1, 2) - locs.reshape(1, -1, 2)
    rel = rel.permute(0, 2, 1)
    soi = torch.tensor(SOI, dtype=mask_feats.dtype)[levels]
    rel = rel / soi.reshape(-1, 1, 1)
    x = torch.cat([rel, mask_feats[im_inds].reshape(n, C, H * W)], dim=1).reshape(1, -1, H, W)
    ws, bs = parse_dynamic_params(params, 8, [80, 64, 8], [8, 8, 1])
    for i, (w, b) in enumerate(zip(ws, bs)):
        x = F.conv2d(x, w, bias=b, stride=1, padding=0, groups=n)
        if i < len(ws) - 1:
            x = F.relu(x)
    logits = x.reshape(-1, 1, H, W)
    return aligned_bilinear(logits, 2)


def dice_coefficient(x, target):
    eps = 1e-5
    n = x.size(0)
    x = x.reshape(n, -1)
    target = target.reshape(n, -1)
    inter = (x * target).sum(dim=1)
    union = (x ** 2.0).sum(dim=1) + (target ** 2.0).sum(dim=1) + eps
    return 1.0 - (2 * inter / union)


def gt_bitmasks(masks, pad_h, pad_w):
    full = torch.zeros((masks.size(0), pad_h, pad_w), dtype=torch.float32)
    full[:, :masks.size(1), :masks.size(2)] = masks.float()
    return full[:, 2::4, 2::4]


def condinst_to_image(probs, resized, original):
    m = aligned_bilinear(probs, 4)
    m = m[:, :, :resized[0], :resized[1]]
    m = F.interpolate(m, size=original, mode="bilinear", align_corners=False)
    return m[:, 0]


def main():
    g = torch.Generator().manual_seed(20240611)
    cases = Cases()

    def randn(*shape, dtype=torch.float64):
        return torch.randn(*shape, generator=g, dtype=dtype)

    # aligned_bilinear forward and backward
    for f in (2, 4):
        x = randn(2, 3, 5, 7).requires_grad_()
        y = aligned_bilinear(x, f)
        go = randn(*y.shape)
        (y * go).sum().backward()
        cases.add(f"ab/f{f}", {"factor": f}, x=x.detach(), out=y.detach(), grad_out=go, grad_x=x.grad)

    # dynamic mask head + dice loss, with gradients of params and mask features
    mask_feats = randn(2, 8, 6, 7).requires_grad_()
    params = (randn(5, 169) * 0.4).requires_grad_()
    im_inds = torch.tensor([0, 1, 1, 0, 1])
    locations = torch.tensor([[12., 20.], [0., 8.], [40., 32.], [24., 0.], [8., 44.]], dtype=torch.float64)
    levels = torch.tensor([0, 1, 0, 2, 4])
    gt = (torch.rand(5, 1, 12, 14, generator=g) > 0.5).to(torch.float64)
    gt[3] = 0  # an instance with an empty ground truth
    logits = dynamic_mask_head(mask_feats, params, im_inds, locations, levels)
    per = dice_coefficient(logits.sigmoid(), gt)
    loss = per.mean()
    loss.backward()
    cases.add("dyn/case", {}, mask_feats=mask_feats.detach(), dyn_params=params.detach(), im_inds=im_inds,
              locations=locations, levels=levels, gt=gt, logits=logits.detach(), dice=per.detach(),
              loss=loss.detach(), grad_params=params.grad, grad_mask_feats=mask_feats.grad)

    # bitmask sampling at stride 4 from masks padded to the batch
    masks = (torch.rand(2, 13, 19, generator=g) > 0.5).to(torch.uint8)
    cases.add("bitmask", {"pad_h": 16, "pad_w": 24}, masks=masks, out=gt_bitmasks(masks, 16, 24))

    # CondInst inference resize
    probs = torch.rand(2, 1, 6, 8, generator=g, dtype=torch.float32)
    out = condinst_to_image(probs, (21, 30), (35, 50))
    cases.add("condinst_post", {"resized": [21, 30], "original": [35, 50]}, probs=probs, out=out)

    # torchvision paste_masks_in_image (boxes partly outside, tiny, fractional)
    pm = torch.rand(4, 1, 28, 28, generator=g, dtype=torch.float32)
    pboxes = torch.tensor([[3.2, 4.7, 30.5, 22.1], [-5.0, 10.0, 20.0, 45.0], [40.0, 30.0, 40.4, 30.2],
                           [10.0, 2.0, 60.0, 39.9]], dtype=torch.float32)
    pasted = tv_roi.paste_masks_in_image(pm, pboxes, (40, 50), padding=1)
    cases.add("paste", {"h": 40, "w": 50}, masks=pm, boxes=pboxes, out=pasted)

    # project_masks_on_boxes and maskrcnn_loss (with a gradient)
    gt_masks = (torch.rand(2, 30, 40, generator=g) > 0.6).to(torch.uint8)
    gt_masks[0, 5:20, 8:30] = 1
    proposals = torch.tensor([[8.0, 5.0, 30.0, 20.0], [2.5, 3.5, 37.0, 27.5], [10.0, 10.0, 10.5, 11.0],
                              [0.0, 0.0, 40.0, 30.0]], dtype=torch.float64)
    matched = torch.tensor([0, 1, 1, 0])
    gt_labels = torch.tensor([2, 1])
    proj = tv_roi.project_masks_on_boxes(gt_masks, proposals, matched, 28)
    mask_logits = randn(4, 3, 28, 28).requires_grad_()
    mloss = tv_roi.maskrcnn_loss(mask_logits, [proposals], [gt_masks], [gt_labels], [matched])
    mloss.backward()
    cases.add("maskrcnn_loss", {}, gt_masks=gt_masks, proposals=proposals, matched=matched, gt_labels=gt_labels,
              projected=proj, mask_logits=mask_logits.detach(), loss=mloss.detach(), grad_logits=mask_logits.grad)

    # MultiScaleRoIAlign over three levels (P3..P5 of a 64x96 padded batch, resized sizes 61x90, 50x96)
    feats = {str(i): randn(2, 4, 64 // (8 << i), 96 // (8 << i)).requires_grad_() for i in range(3)}
    image_shapes = [(61, 90), (50, 96)]
    b0 = torch.tensor([[2.0, 3.0, 20.0, 18.0], [0.0, 0.0, 90.0, 61.0], [30.5, 10.25, 33.0, 12.0]], dtype=torch.float64)
    b1 = torch.tensor([[10.0, 5.0, 70.0, 49.0], [5.0, 5.0, 5.0, 5.0]], dtype=torch.float64)
    pooler = MultiScaleRoIAlign(featmap_names=["0", "1", "2"], output_size=14, sampling_ratio=2)
    pooled = pooler(feats, [b0, b1], image_shapes)
    go = randn(*pooled.shape)
    (pooled * go).sum().backward()
    lvl_boxes = torch.tensor([[0, 0, 10, 10], [0, 0, 111, 113], [0, 0, 112, 112], [0, 0, 223, 224],
                              [0, 0, 224, 224], [0, 0, 448, 448], [0, 0, 1000, 900], [3, 3, 3, 3]],
                             dtype=torch.float64)
    levels_out = pooler.map_levels([lvl_boxes])
    cases.add("msroi", {"image_shapes": [v for s in image_shapes for v in s]}, f0=feats["0"].detach(),
              f1=feats["1"].detach(), f2=feats["2"].detach(), boxes0=b0, boxes1=b1, out=pooled.detach(), grad_out=go,
              grad_f0=feats["0"].grad, grad_f1=feats["1"].grad, grad_f2=feats["2"].grad, lvl_boxes=lvl_boxes,
              levels=levels_out, scales=torch.tensor(pooler.scales, dtype=torch.float64))

    # MaskRCNNHeads + MaskRCNNPredictor with small widths (weights stored under torchvision's keys)
    torch.manual_seed(7)
    head = MaskRCNNHeads(4, [6, 6, 6, 6], 1).double()
    pred = MaskRCNNPredictor(6, 5, 3).double()
    x = randn(3, 4, 14, 14)
    y = pred(head(x))
    tensors = {"x": x, "out": y.detach()}
    for k, v in head.state_dict().items():
        tensors["mask_head." + k] = v
    for k, v in pred.state_dict().items():
        tensors["mask_predictor." + k] = v
    cases.add("roi_head", {"layers": 6, "dim_reduced": 5, "num_classes": 3}, **tensors)

    cases.save("detection", "fcos_masks")


if __name__ == "__main__":
    main()
