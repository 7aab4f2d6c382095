"""Goldens for the CPU backend's interpolate, norm, indexing and detection kernels.

Writes tensor/src/test/resources/golden/cpu_{interpolate,norm,sort}.safetensors and
detection/src/test/resources/golden/cpu_{roi_align,nms,fcos_assign}.safetensors.
Run: /usr/bin/python3 tools/golden/generate.py cpu_misc
Every differentiable case also stores a random upstream gradient and torch autograd's input gradients."""
import torch
import torch.nn.functional as F
import torchvision
from torchvision.ops import nms, roi_align

from goldens import Cases


def interpolate_cases():
    c = Cases()
    g = torch.Generator().manual_seed(11)
    specs = [
        # name, mode, align_corners, in (h, w), size, scale, recompute
        ("nearest_size_up", "nearest", None, (3, 5), (7, 9), None, None),
        ("nearest_size_down", "nearest", None, (9, 11), (4, 5), None, None),
        ("nearest_size_same_h", "nearest", None, (4, 6), (4, 13), None, None),
        ("nearest_scale2", "nearest", None, (3, 4), None, (2.0, 2.0), None),
        ("nearest_scale_1_7", "nearest", None, (5, 6), None, (1.7, 1.3), None),
        ("nearest_scale_0_6_recompute", "nearest", None, (10, 9), None, (0.6, 0.45), True),
        ("nearest_scale_0_45", "nearest", None, (11, 9), None, (0.45, 0.7), None),
        ("bilinear_size_up", "bilinear", False, (4, 5), (9, 7), None, None),
        ("bilinear_size_down", "bilinear", False, (12, 10), (5, 3), None, None),
        ("bilinear_ac_size_up", "bilinear", True, (4, 5), (9, 11), None, None),
        ("bilinear_ac_size_down", "bilinear", True, (12, 10), (5, 4), None, None),
        ("bilinear_ac_size_one", "bilinear", True, (5, 6), (1, 4), None, None),
        ("bilinear_scale_1_5", "bilinear", False, (5, 7), None, (1.5, 2.3), None),
        ("bilinear_scale_0_7_recompute", "bilinear", False, (13, 11), None, (0.7, 0.55), True),
        ("bilinear_scale_0_35", "bilinear", False, (13, 17), None, (0.35, 0.6), None),
        ("bilinear_ac_scale_2", "bilinear", True, (4, 3), None, (2.0, 2.5), None),
        ("bilinear_same_size", "bilinear", False, (4, 6), (4, 6), None, None),
    ]
    for name, mode, ac, (h, w), size, scale, recompute in specs:
        x = torch.randn(2, 3, h, w, generator=g, requires_grad=True)
        kw = {"mode": mode}
        if ac is not None:
            kw["align_corners"] = ac
        if size is not None:
            kw["size"] = size
        else:
            kw["scale_factor"] = scale
            kw["recompute_scale_factor"] = recompute
        y = F.interpolate(x, **kw)
        up = torch.randn(y.shape, generator=g)
        y.backward(up)
        c.add(name, {"mode": mode, "align_corners": bool(ac), "size": list(size) if size else None,
                     "scale": list(scale) if scale else None, "recompute": bool(recompute)},
              x=x.detach(), out=y.detach(), grad_out=up, grad_x=x.grad)
    c.save("tensor", "cpu_interpolate")


def norm_cases():
    c = Cases()
    g = torch.Generator().manual_seed(12)
    for name, shape, groups, affine in [("gn_4d_affine", (2, 6, 5, 4), 3, True),
                                        ("gn_3d_plain", (3, 4, 7), 2, False),
                                        ("gn_instance", (2, 8, 3, 3), 8, True),
                                        ("gn_one_group_offset", (2, 4, 6), 1, True)]:
        x = (torch.randn(shape, generator=g) * 3 + 1.5).requires_grad_(True)
        ch = shape[1]
        w = (torch.randn(ch, generator=g)).requires_grad_(True) if affine else None
        b = (torch.randn(ch, generator=g)).requires_grad_(True) if affine else None
        y = F.group_norm(x, groups, w, b, eps=1e-5)
        n = shape[0]
        hw = x[0, 0].numel()
        _, mean, rstd = torch.native_group_norm(x.detach(), w, b, n, ch, hw, groups, 1e-5)
        up = torch.randn(y.shape, generator=g)
        y.backward(up)
        c.add(name, {"groups": groups, "eps": 1e-5}, x=x.detach(), weight=None if w is None else w.detach(),
              bias=None if b is None else b.detach(), out=y.detach(), mean=mean.detach(), rstd=rstd.detach(),
              grad_out=up, grad_x=x.grad, grad_w=None if w is None else w.grad, grad_b=None if b is None else b.grad)
    for name, shape, training, affine in [("bn_train_4d", (4, 3, 5, 5), True, True),
                                          ("bn_train_2d_plain", (8, 5), True, False),
                                          ("bn_eval_4d", (2, 3, 4, 6), False, True),
                                          ("bn_train_3d", (3, 4, 9), True, True)]:
        x = (torch.randn(shape, generator=g) * 2 - 0.5).requires_grad_(True)
        ch = shape[1]
        rm = torch.randn(ch, generator=g)
        rv = torch.rand(ch, generator=g) + 0.5
        rm0, rv0 = rm.clone(), rv.clone()
        w = torch.randn(ch, generator=g).requires_grad_(True) if affine else None
        b = torch.randn(ch, generator=g).requires_grad_(True) if affine else None
        y = F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.1, eps=1e-5)
        up = torch.randn(y.shape, generator=g)
        y.backward(up)
        c.add(name, {"training": training, "momentum": 0.1, "eps": 1e-5}, x=x.detach(),
              running_mean=rm0, running_var=rv0, running_mean_after=rm, running_var_after=rv,
              weight=None if w is None else w.detach(), bias=None if b is None else b.detach(), out=y.detach(),
              grad_out=up, grad_x=x.grad, grad_w=None if w is None else w.grad, grad_b=None if b is None else b.grad)
    c.save("tensor", "cpu_norm")


def roi_align_cases():
    c = Cases()
    g = torch.Generator().manual_seed(13)
    x0 = torch.randn(2, 3, 10, 12, generator=g)
    rois = torch.tensor([
        [0, 1.0, 1.0, 6.0, 5.0],
        [1, 0.3, 2.7, 11.5, 9.2],
        [0, -3.0, -2.0, 4.0, 3.0],      # partly outside top-left
        [1, 8.0, 6.0, 15.0, 13.0],      # partly outside bottom-right
        [0, 4.2, 4.4, 4.6, 4.9],        # tiny (clamped to 1 when not aligned)
        [1, -8.0, -8.0, -2.5, -3.0],    # entirely outside
        [0, 0.0, 0.0, 24.0, 20.0],      # everything, larger than the map at scale 0.5
    ])
    for aligned in (False, True):
        for ratio in (0, 2):
            for scale, out in ((1.0, (3, 4)), (0.5, (2, 2))):
                x = x0.clone().requires_grad_(True)
                y = roi_align(x, rois, out, spatial_scale=scale, sampling_ratio=ratio, aligned=aligned)
                up = torch.randn(y.shape, generator=g)
                y.backward(up)
                name = f"aligned{int(aligned)}_ratio{ratio}_scale{scale}"
                c.add(name, {"aligned": aligned, "sampling_ratio": ratio, "spatial_scale": scale,
                             "output_size": list(out)}, x=x.detach(), rois=rois, out=y.detach(), grad_out=up,
                      grad_x=x.grad)
    c.save("detection", "cpu_roi_align")


def nms_cases():
    c = Cases()
    g = torch.Generator().manual_seed(14)

    def boxes(n, extent, max_size):
        xy = torch.rand(n, 2, generator=g) * extent
        wh = torch.rand(n, 2, generator=g) * max_size + 1
        return torch.cat([xy, xy + wh], dim=1)

    b = boxes(300, 100, 30)
    s = torch.rand(300, generator=g)
    for thr in (0.5, 0.3, 0.0, 0.9):
        c.add(f"random_thr{thr}", {"iou_threshold": thr}, boxes=b, scores=s, keep=nms(b, s, thr))
    # ties: scores from a few levels, and exact duplicate boxes
    bt = boxes(200, 60, 25)
    bt[100:150] = bt[0:50]
    st = (torch.rand(200, generator=g) * 4).floor() / 4
    c.add("ties", {"iou_threshold": 0.5}, boxes=bt, scores=st, keep=nms(bt, st, 0.5))
    c.add("all_equal_scores", {"iou_threshold": 0.4}, boxes=bt, scores=torch.ones(200),
          keep=nms(bt, torch.ones(200), 0.4))
    b64 = boxes(150, 50, 20).double()
    s64 = torch.rand(150, generator=g).double()
    c.add("float64", {"iou_threshold": 0.45}, boxes=b64, scores=s64, keep=nms(b64, s64, 0.45))
    c.save("detection", "cpu_nms")


def sort_cases():
    c = Cases()
    g = torch.Generator().manual_seed(15)
    x = (torch.randn(4, 37, generator=g) * 3).round() / 2   # many ties
    x[0, 3] = float("nan")
    x[0, 20] = float("nan")
    x[1, 5] = -0.0
    x[1, 6] = 0.0
    x[2, 7] = float("inf")
    x[2, 8] = float("-inf")
    for dim in (0, 1):
        for desc in (False, True):
            v, i = torch.sort(x, dim=dim, descending=desc, stable=True)
            c.add(f"sort_dim{dim}_desc{int(desc)}", {"dim": dim, "descending": desc}, x=x, values=v, indices=i)
    y = torch.randn(3, 50, generator=g)
    for k, largest in ((5, True), (5, False), (50, True), (1, False)):
        v, i = torch.topk(y, k, dim=1, largest=largest, sorted=True)
        c.add(f"topk_k{k}_largest{int(largest)}", {"k": k, "dim": 1, "largest": largest}, x=y, values=v, indices=i)
    xd = torch.randn(5, 6, 7, generator=g, dtype=torch.float64).round()
    v, i = torch.sort(xd, dim=1, descending=True, stable=True)
    c.add("sort_f64_dim1_desc", {"dim": 1, "descending": True}, x=xd, values=v, indices=i)
    xi = torch.randint(0, 5, (3, 40), generator=g)
    v, i = torch.sort(xi, dim=1, descending=False, stable=True)
    c.add("sort_i64_dim1_asc", {"dim": 1, "descending": False}, x=xi, values=v, indices=i)
    c.save("tensor", "cpu_sort")


def fcos_assign_cases():
    """torchvision 0.14 FCOS.compute_loss's matching, verbatim, on a small multi-level point set."""
    c = Cases()
    g = torch.Generator().manual_seed(16)
    sizes = [8.0, 16.0, 32.0, 64.0, 128.0]
    feat = [(16, 20), (8, 10), (4, 5), (2, 3), (1, 2)]
    img = (128, 160)
    centers, anchor_sizes, counts = [], [], []
    for s, (h, w) in zip(sizes, feat):
        sy, sx = img[0] // h, img[1] // w
        ys, xs = torch.meshgrid(torch.arange(h) * sy, torch.arange(w) * sx, indexing="ij")
        base = torch.tensor([-s / 2, -s / 2, s / 2, s / 2]).round()
        anchors = torch.stack([xs.reshape(-1), ys.reshape(-1), xs.reshape(-1), ys.reshape(-1)], 1) + base
        centers.append((anchors[:, :2] + anchors[:, 2:]) / 2)
        anchor_sizes.append(anchors[:, 2] - anchors[:, 0])
        counts.append(anchors.shape[0])
    centers = torch.cat(centers).float()
    anchor_sizes = torch.cat(anchor_sizes).float()
    for case, ngt in (("boxes12", 12), ("boxes3", 3)):
        xy = torch.rand(ngt, 2, generator=g) * torch.tensor([140.0, 110.0])
        wh = torch.rand(ngt, 2, generator=g) * 120 + 4
        gt = torch.cat([xy, xy + wh], 1)
        if ngt == 12:
            gt[5] = gt[2]            # equal areas: the first box must win
            gt[7] = gt[1] + 0.5
        gt_centers = (gt[:, :2] + gt[:, 2:]) / 2
        pairwise_match = (centers[:, None, :] - gt_centers[None, :, :]).abs_().max(dim=2).values \
            < 1.5 * anchor_sizes[:, None]
        x, y = centers.unsqueeze(dim=2).unbind(dim=1)
        x0, y0, x1, y1 = gt.unsqueeze(dim=0).unbind(dim=2)
        pairwise_dist = torch.stack([x - x0, y - y0, x1 - x, y1 - y], dim=2)
        pairwise_match &= pairwise_dist.min(dim=2).values > 0
        lower = anchor_sizes * 4
        lower[: counts[0]] = 0
        upper = anchor_sizes * 8
        upper[-counts[-1]:] = float("inf")
        pairwise_dist = pairwise_dist.max(dim=2).values
        pairwise_match &= (pairwise_dist > lower[:, None]) & (pairwise_dist < upper[:, None])
        gt_areas = (gt[:, 2] - gt[:, 0]) * (gt[:, 3] - gt[:, 1])
        pairwise_match = pairwise_match.to(torch.float32) * (1e8 - gt_areas[None, :])
        min_values, matched = pairwise_match.max(dim=1)
        matched[min_values < 1e-5] = -1
        c.add(case, {"radius": 1.5}, centers=centers, anchor_sizes=anchor_sizes, lower=lower, upper=upper,
              gt_boxes=gt, matched=matched)
    c.save("detection", "cpu_fcos_assign")


def main():
    torch.set_num_threads(1)
    interpolate_cases()
    norm_cases()
    roi_align_cases()
    nms_cases()
    sort_cases()
    fcos_assign_cases()


if __name__ == "__main__":
    main()
