"""Goldens for the nn module: torchvision state-dict keys, a ResNet18+FPN forward/backward with
weights both sides build from the same seeded formula, optimiser steps and LR schedules.

Run: /usr/bin/python3 tools/golden/generate.py nn

Weights are not stored (ResNet18 alone is ~45 MB): every state-dict entry k (in order, skipping
num_batches_tracked) is filled from SplitMix64 with seed 1000 + k, the stream of
org.cassl.tensor.Generator, so Java reproduces them bit for bit (see seeded_uniform)."""
import math

import numpy as np
import torch
import torchvision
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.ops import misc as misc_nn_ops
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

from goldens import Cases

GAMMA = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


def seeded_uniform(seed, n, lo, hi):
    """n float32 values lo + (hi-lo)*u, u the doubles of Generator(seed).nextDouble()."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed & MASK) + np.arange(1, n + 1, dtype=np.uint64) * np.uint64(GAMMA)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    return (lo + (hi - lo) * u).astype(np.float32)


def weight_range(key, shape):
    """The uniform range of a state-dict entry (same rule in SeededWeights.java)."""
    last = key.rsplit(".", 1)[-1]
    if len(shape) == 4:
        fan_in = shape[1] * shape[2] * shape[3]
        b = math.sqrt(6.0 / fan_in)
        return -b, b
    if last == "running_var":
        return 0.5, 1.5
    if last == "weight":
        return 0.5, 1.5
    return -0.1, 0.1  # biases, running means


def fill_seeded(model):
    k = 0
    with torch.no_grad():
        for key, t in model.state_dict().items():
            if key.endswith("num_batches_tracked"):
                continue
            lo, hi = weight_range(key, tuple(t.shape))
            vals = seeded_uniform(1000 + k, t.numel(), lo, hi)
            t.copy_(torch.from_numpy(vals).reshape(t.shape))
            k += 1


def backbone(arch, frozen, trainable):
    norm = misc_nn_ops.FrozenBatchNorm2d if frozen else torch.nn.BatchNorm2d
    net = torchvision.models.__dict__[arch](weights=None, norm_layer=norm)
    return _resnet_fpn_extractor(net, trainable, returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))


def key_cases(c):
    for arch in ["resnet18", "resnet34", "resnet50"]:
        m = torchvision.models.__dict__[arch](weights=None)
        sd = m.state_dict()
        c.add(f"keys/{arch}", {"keys": list(sd.keys()), "shapes": [list(v.shape) for v in sd.values()]})
        for frozen, trainable in [(False, 5), (True, 3), (False, 0), (True, 1)]:
            b = backbone(arch, frozen, trainable)
            sd = b.state_dict()
            train = [n for n, p in b.named_parameters() if p.requires_grad]
            c.add(f"keys/{arch}_fpn_{'frozen' if frozen else 'bn'}_{trainable}",
                  {"keys": list(sd.keys()), "shapes": [list(v.shape) for v in sd.values()], "trainable": train})
    # the detector nests the backbone as 'backbone': check that the full FCOS uses the same names
    fcos = torchvision.models.detection.fcos_resnet50_fpn(weights=None, weights_backbone=None)
    fcos_keys = [k[len("backbone."):] for k in fcos.state_dict() if k.startswith("backbone.")]
    assert fcos_keys == list(backbone("resnet50", False, 5).state_dict().keys())


FEATURES = ["C3", "C4", "C5", "P3", "P4", "P5", "P6", "P7"]
GRAD_KEYS = ["body.conv1.weight", "body.bn1.weight", "body.layer1.0.bn1.weight", "body.layer4.1.bn2.bias",
             "fpn.inner_blocks.0.0.bias", "fpn.layer_blocks.2.0.bias", "fpn.extra_blocks.p7.bias"]


def forward_case(c, name, train, n, h, w, dtype):
    """dtype float64 for the training case: with batch statistics, ReLU inputs land within float32
    rounding of 0 often enough that a single flipped mask shifts upstream gradients by ~1%."""
    torch.manual_seed(0)
    b = backbone("resnet18", False, 5)
    fill_seeded(b)
    b.to(dtype)
    b.train(train)
    x = torch.from_numpy(seeded_uniform(7, n * 3 * h * w, 0.0, 1.0)).reshape(n, 3, h, w).to(dtype)
    body = b.body(x)
    cs = list(body.values())
    ps = list(b.fpn(body).values())
    loss = sum((p * p).mean() for p in ps)
    loss.backward()
    named = dict(b.named_parameters())
    tensors = {k: v.detach() for k, v in zip(FEATURES, cs + ps)}
    if not train:
        tensors["input"] = x  # lets the Java test check the seeded formula directly
    tensors["loss"] = loss.detach().reshape(1)
    for k in GRAD_KEYS:
        tensors["grad/" + k] = named[k].grad
    if train:
        sd = b.state_dict()
        for k in ["body.bn1.running_mean", "body.bn1.running_var", "body.layer4.1.bn2.running_var",
                  "body.layer4.1.bn2.num_batches_tracked"]:
            tensors["state/" + k] = sd[k]
    c.add(name, {"train": train, "shape": [n, 3, h, w], "grad_keys": GRAD_KEYS, "dtype": str(dtype)[6:]}, **tensors)


def layer_cases(c):
    """Each layer with seeded weights: output and gradients of sum(out * r) for a seeded r."""
    nn = torch.nn
    R = torchvision.models.resnet
    specs = [
        ("conv2d", {"in": 4, "out": 6, "k": 3, "stride": 2, "pad": 1, "groups": 2, "bias": True},
         lambda: nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), [2, 4, 7, 6]),
        ("conv2d_nobias", {"in": 3, "out": 5, "k": 1, "stride": 1, "pad": 0, "groups": 1, "bias": False},
         lambda: nn.Conv2d(3, 5, 1, bias=False), [1, 3, 4, 5]),
        ("conv_transpose2d", {"in": 4, "out": 3, "k": 2, "stride": 2, "pad": 0, "out_pad": 0},
         lambda: nn.ConvTranspose2d(4, 3, 2, stride=2), [2, 4, 3, 5]),
        ("conv_transpose2d_pad", {"in": 2, "out": 4, "k": 3, "stride": 2, "pad": 1, "out_pad": 1},
         lambda: nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1), [1, 2, 4, 3]),
        ("linear", {"in": 5, "out": 3}, lambda: nn.Linear(5, 3), [4, 5]),
        ("group_norm", {"groups": 2, "channels": 6}, lambda: nn.GroupNorm(2, 6), [2, 6, 3, 4]),
        ("batch_norm_train", {"channels": 3, "train": True}, lambda: nn.BatchNorm2d(3), [4, 3, 3, 2]),
        ("batch_norm_eval", {"channels": 3, "train": False}, lambda: nn.BatchNorm2d(3), [2, 3, 3, 2]),
        ("frozen_bn", {"channels": 3}, lambda: misc_nn_ops.FrozenBatchNorm2d(3), [2, 3, 3, 2]),
        ("max_pool", {"k": 3, "stride": 2, "pad": 1}, lambda: nn.MaxPool2d(3, 2, 1), [1, 2, 7, 6]),
        ("basic_block", {"in": 8, "planes": 16, "stride": 2, "train": False},
         lambda: R.BasicBlock(8, 16, 2, nn.Sequential(R.conv1x1(8, 16, 2), nn.BatchNorm2d(16))), [2, 8, 7, 6]),
        ("bottleneck", {"in": 16, "planes": 8, "stride": 2, "train": False},
         lambda: R.Bottleneck(16, 8, 2, nn.Sequential(R.conv1x1(16, 32, 2), nn.BatchNorm2d(32))), [2, 16, 7, 6]),
        ("bottleneck_identity", {"in": 32, "planes": 8, "stride": 1, "train": False},
         lambda: R.Bottleneck(32, 8), [1, 32, 5, 4]),
    ]
    for i, (name, params, make, shape) in enumerate(specs):
        m = make()
        fill_seeded(m)
        m.train(params.get("train", True))
        x = torch.from_numpy(seeded_uniform(100 + i, int(np.prod(shape)), -1, 1)).reshape(shape).requires_grad_()
        y = m(x)
        r = torch.from_numpy(seeded_uniform(200 + i, y.numel(), -1, 1)).reshape(y.shape)
        (y * r).sum().backward()
        tensors = {"x": x.detach(), "r": r, "y": y.detach(), "grad/x": x.grad}
        for n, p in m.named_parameters():
            tensors["grad/" + n] = p.grad
        for n, b in m.named_buffers():
            tensors["after/" + n] = b
        c.add("layer/" + name, dict(params, shape=shape), **tensors)


def classifier_case(c):
    """resnet18 with a 10-class head in eval mode: logits of a seeded 2x3x32x32 batch."""
    m = torchvision.models.resnet18(weights=None, num_classes=10)
    fill_seeded(m)
    m.eval()
    x = torch.from_numpy(seeded_uniform(8, 2 * 3 * 32 * 32, 0.0, 1.0)).reshape(2, 3, 32, 32)
    with torch.no_grad():
        c.add("resnet18_classifier", {"shape": [2, 3, 32, 32], "classes": 10}, logits=m(x))


def quadratic(params, targets, weights):
    return sum((w * (p - t) ** 2).sum() for p, t, w in zip(params, targets, weights))


def optim_case(c, name, make, kind, steps=6, two_groups=False):
    x = torch.from_numpy(seeded_uniform(11, 12, -1, 1)).reshape(3, 4).requires_grad_()
    b = torch.from_numpy(seeded_uniform(12, 4, -1, 1)).requires_grad_()
    tx = torch.from_numpy(seeded_uniform(13, 12, -2, 2)).reshape(3, 4)
    tb = torch.from_numpy(seeded_uniform(14, 4, -2, 2))
    wx = torch.from_numpy(seeded_uniform(15, 12, 0.5, 3)).reshape(3, 4)
    wb = torch.from_numpy(seeded_uniform(16, 4, 0.5, 3))
    x0, b0 = x.detach().clone(), b.detach().clone()
    opt, params = make(x, b)
    traj_x, traj_b = [], []
    for s in range(steps):
        opt.zero_grad()
        # b gets no gradient on the first step: PyTorch skips it (no state, no step count)
        loss = quadratic([x], [tx], [wx]) if s == 0 else quadratic([x, b], [tx, tb], [wx, wb])
        loss.backward()
        opt.step()
        traj_x.append(x.detach().clone())
        traj_b.append(b.detach().clone())
    state = {}
    for i, p in enumerate([x, b]):
        for k, v in opt.state[p].items():
            if v is None:
                continue
            if k != "step":
                state[f"state/{i}/{k}"] = v.clone()
            else:
                state[f"step/{i}"] = torch.tensor([int(v.item())], dtype=torch.int64)
    c.add(name, dict(kind, steps=steps, two_groups=two_groups), x0=x0, b0=b0, tx=tx, tb=tb, wx=wx, wb=wb,
          traj_x=torch.stack(traj_x), traj_b=torch.stack(traj_b), **state)


def optim_cases(c):
    def sgd(**kw):
        return lambda x, b: (torch.optim.SGD([x, b], **kw), [x, b])

    def adamw(**kw):
        return lambda x, b: (torch.optim.AdamW([x, b], **kw), [x, b])

    optim_case(c, "optim/sgd_plain", sgd(lr=0.05), {"type": "sgd", "lr": 0.05})
    optim_case(c, "optim/sgd_momentum_wd", sgd(lr=0.05, momentum=0.9, weight_decay=0.01),
               {"type": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 0.01})
    optim_case(c, "optim/sgd_nesterov", sgd(lr=0.03, momentum=0.8, nesterov=True, weight_decay=1e-3),
               {"type": "sgd", "lr": 0.03, "momentum": 0.8, "nesterov": True, "weight_decay": 1e-3})
    optim_case(c, "optim/sgd_dampening", sgd(lr=0.05, momentum=0.9, dampening=0.3),
               {"type": "sgd", "lr": 0.05, "momentum": 0.9, "dampening": 0.3})
    optim_case(c, "optim/adamw_default", adamw(lr=0.1), {"type": "adamw", "lr": 0.1, "weight_decay": 0.01})
    optim_case(c, "optim/adamw_amsgrad", adamw(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True),
               {"type": "adamw", "lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1,
                "amsgrad": True})

    def groups(x, b):
        return torch.optim.SGD([{"params": [x], "weight_decay": 0.05}, {"params": [b], "lr": 0.01, "weight_decay": 0}],
                               lr=0.04, momentum=0.9), [x, b]
    optim_case(c, "optim/sgd_two_groups", groups,
               {"type": "sgd", "momentum": 0.9, "groups": [{"lr": 0.04, "weight_decay": 0.05},
                                                           {"lr": 0.01, "weight_decay": 0.0}]}, two_groups=True)

    # gradient clipping
    g1 = torch.from_numpy(seeded_uniform(21, 12, -2, 2)).reshape(3, 4)
    g2 = torch.from_numpy(seeded_uniform(22, 5, -2, 2))
    for norm_type, max_norm in [(2.0, 1.0), (2.0, 100.0), (float("inf"), 0.5), (1.0, 2.0)]:
        p1 = torch.zeros(3, 4, requires_grad=True)
        p2 = torch.zeros(5, requires_grad=True)
        p1.grad, p2.grad = g1.clone(), g2.clone()
        total = torch.nn.utils.clip_grad_norm_([p1, p2], max_norm, norm_type)
        c.add(f"clip/{norm_type}_{max_norm}", {"norm_type": "inf" if math.isinf(norm_type) else norm_type,
                                               "max_norm": max_norm},
              g1=g1, g2=g2, total=total.reshape(1), out1=p1.grad, out2=p2.grad)


def schedule_cases(c):
    S = torch.optim.lr_scheduler

    def run(name, make, steps, params):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        lrs = [opt.param_groups[0]["lr"]]
        for _ in range(steps):
            opt.step()
            sched.step()
            lrs.append(opt.param_groups[0]["lr"])
        c.add("sched/" + name, dict(params, base_lr=0.1), lrs=torch.tensor(lrs, dtype=torch.float64))

    run("linear_warmup", lambda o: S.LinearLR(o, start_factor=0.001, total_iters=10), 15,
        {"kind": "linear", "start": 0.001, "iters": 10})
    run("multistep", lambda o: S.MultiStepLR(o, milestones=[5, 12], gamma=0.1), 20,
        {"kind": "multistep", "milestones": [5, 12], "gamma": 0.1})
    run("step", lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10, {"kind": "step", "size": 3, "gamma": 0.5})
    run("cosine", lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 25,
        {"kind": "cosine", "t_max": 10, "eta_min": 0.001})
    run("sequential", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.01, total_iters=5),
                                                   S.CosineAnnealingLR(o, T_max=10)], milestones=[5]), 20,
        {"kind": "sequential"})
    run("chained", lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=0.001, total_iters=5),
                                                 S.MultiStepLR(o, milestones=[8, 12], gamma=0.1)]), 16,
        {"kind": "chained"})


def main():
    keys = Cases()
    key_cases(keys)
    keys.save("nn", "nn_keys")

    fwd = Cases()
    forward_case(fwd, "resnet18_fpn_eval", False, 1, 64, 40, torch.float32)
    forward_case(fwd, "resnet18_fpn_train", True, 2, 32, 32, torch.float64)
    classifier_case(fwd)
    fwd.save("nn", "nn_forward")

    layers = Cases()
    layer_cases(layers)
    layers.save("nn", "nn_layers")

    opt = Cases()
    optim_cases(opt)
    schedule_cases(opt)
    opt.save("nn", "nn_optim")


if __name__ == "__main__":
    main()
