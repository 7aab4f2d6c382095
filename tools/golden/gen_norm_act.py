"""Goldens for the fused norm + residual + ReLU ops (Functional.batchNormAct / groupNormAct).

Writes autograd/src/test/resources/golden/norm_act.safetensors: relu?(norm(x) + residual) built
from PyTorch's unfused ops (F.batch_norm / F.group_norm, +, F.relu), a random upstream gradient
and autograd's gradients of x, the affine terms and the residual.
Run: /usr/bin/python3 tools/golden/generate.py norm_act"""
import torch
import torch.nn.functional as F

from goldens import Cases


def main():
    torch.set_num_threads(1)
    c = Cases()
    g = torch.Generator().manual_seed(21)
    # name, kind, shape, groups, training, residual, relu
    specs = [("bn_train_residual_relu", "bn", (2, 3, 5, 4), None, True, True, True),
             ("bn_train_relu", "bn", (3, 4, 3, 3), None, True, False, True),
             ("bn_eval_residual_relu", "bn", (2, 3, 4, 2), None, False, True, True),
             ("bn_train_residual_only", "bn", (2, 2, 3, 3), None, True, True, False),
             ("gn_relu", "gn", (2, 8, 4, 3), 4, None, False, True),
             ("gn_residual_relu", "gn", (2, 6, 3, 5), 3, None, True, True)]
    for name, kind, shape, groups, training, residual, relu in specs:
        ch = shape[1]
        x = (torch.randn(shape, generator=g) * 2 + 0.3).requires_grad_(True)
        w = torch.randn(ch, generator=g).requires_grad_(True)
        b = torch.randn(ch, generator=g).requires_grad_(True)
        r = torch.randn(shape, generator=g).requires_grad_(True) if residual else None
        params = {"relu": relu, "eps": 1e-5}
        extra = {}
        if kind == "bn":
            rm = torch.randn(ch, generator=g)
            rv = torch.rand(ch, generator=g) + 0.5
            extra = {"running_mean": rm.clone(), "running_var": rv.clone()}
            y = F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.1, eps=1e-5)
            params.update({"training": training, "momentum": 0.1})
            extra.update({"running_mean_after": rm, "running_var_after": rv})
        else:
            y = F.group_norm(x, groups, w, b, eps=1e-5)
            params["groups"] = groups
        if r is not None:
            y = y + r
        if relu:
            y = F.relu(y)
        up = torch.randn(y.shape, generator=g)
        y.backward(up)
        c.add(name, params, x=x.detach(), weight=w.detach(), bias=b.detach(),
              residual=None if r is None else r.detach(), out=y.detach(), grad_out=up, grad_x=x.grad, grad_w=w.grad,
              grad_b=b.grad, grad_residual=None if r is None else r.grad, **extra)
    c.save("autograd", "norm_act")


if __name__ == "__main__":
    main()
