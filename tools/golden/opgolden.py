"""Shared machinery of gen_ops.py: builds one golden case per call from logical input values,
applying the requested (non-contiguous) view, running the op forward and backward with a seeded
random upstream gradient, and recording inputs, outputs and input gradients.

Case layout (read by autograd's GoldenOps.java, and detection's RoiAlignOpTest for ops_roi_align):
  params: op, args (op arguments), views (one per input: none | t | s2 | off), grads (which
          inputs require grad), dtype
  tensors: x<i> the contiguous base of input i (the view is applied on both sides),
           c_<name> constant tensors (indices, masks, ...), e_<name> tensors as left after the op
           (running statistics), out<k> forward outputs,
           idx<k> integer outputs (indices), g<k> upstream gradients, gx<i> input gradients.
"""
import torch

from goldens import Cases


def make_base(value, view, gen):
    """A contiguous base tensor such that view_of(base, view) has the values of `value`."""
    if view == "none":
        return value.clone()
    if view == "t":
        return value.transpose(-1, -2).contiguous()
    if view == "s2":
        shape = list(value.shape)
        shape[0] *= 2
        base = torch.randn(shape, dtype=value.dtype, generator=gen)
        base[::2] = value
        return base
    if view == "off":
        junk = torch.randn(list(value.shape[:-1]) + [1], dtype=value.dtype, generator=gen)
        return torch.cat([junk, value], -1).contiguous()
    raise ValueError(view)


def view_of(base, view):
    if view == "none":
        return base
    if view == "t":
        return base.transpose(-1, -2)
    if view == "s2":
        return base[::2]
    if view == "off":
        return base[..., 1:]
    raise ValueError(view)


class OpFamily:
    """Collects the cases of one golden file."""

    def __init__(self, name, seed, module="autograd"):
        self.name = name
        self.module = module
        self.cases = Cases()
        self.gen = torch.Generator().manual_seed(seed)
        self.count = {}

    def randn(self, *shape, dtype=torch.float32):
        return torch.randn(shape, dtype=dtype, generator=self.gen)

    def uniform(self, lo, hi, *shape, dtype=torch.float32):
        return lo + (hi - lo) * torch.rand(shape, dtype=dtype, generator=self.gen)

    def randint(self, lo, hi, *shape):
        return torch.randint(lo, hi, shape, generator=self.gen)

    def add(self, op, fn, inputs, args=None, views=None, grads=None, consts=None, tag=None, extra=None):
        """fn(*leaves, **consts) -> tensor | tuple(values, indices) | list of tensors. `extra` tensors
        are stored as they are after fn ran (e.g. running statistics updated in place)."""
        args = args or {}
        consts = consts or {}
        views = views or ["none"] * len(inputs)
        grads = grads or [x.is_floating_point() for x in inputs]
        k = self.count.get(op, 0)
        self.count[op] = k + 1
        name = f"{op}_{k}" + (f"_{tag}" if tag else "")
        leaves, tensors = [], {}
        dtype = None
        for i, (x, v, g) in enumerate(zip(inputs, views, grads)):
            base = make_base(x, v, self.gen)
            leaf = view_of(base, v).detach()
            if g:
                leaf.requires_grad_(True)
            if x.is_floating_point() and dtype is None:
                dtype = x.dtype
            leaves.append(leaf)
            tensors[f"x{i}"] = base
        for cname, c in consts.items():
            tensors[f"c_{cname}"] = c
        result = fn(*leaves, **consts)
        if isinstance(result, torch.Tensor):
            outs, idxs = [result], []
        elif isinstance(result, (list, tuple)) and len(result) == 2 and not result[1].is_floating_point():
            outs, idxs = [result[0]], [result[1]]
        else:
            outs, idxs = list(result), []
        gs = [torch.randn(o.shape, dtype=o.dtype, generator=self.gen) for o in outs]
        diff = [(o, g) for o, g in zip(outs, gs) if o.requires_grad]
        if diff:
            torch.autograd.backward([o for o, _ in diff], [g for _, g in diff])
        for kk, (o, g) in enumerate(zip(outs, gs)):
            tensors[f"out{kk}"] = o.detach()
            tensors[f"g{kk}"] = g
        for kk, ix in enumerate(idxs):
            tensors[f"idx{kk}"] = ix
        for ename, e in (extra or {}).items():
            tensors[f"e_{ename}"] = e
        for i, (leaf, g) in enumerate(zip(leaves, grads)):
            if g:
                tensors[f"gx{i}"] = leaf.grad if leaf.grad is not None else torch.zeros_like(leaf)
        params = {"op": op, "args": args, "views": views, "grads": grads,
                  "dtype": str(dtype).replace("torch.", "") if dtype is not None else "none",
                  "outputs": len(outs)}
        self.cases.add(name, params, **tensors)
        return name

    def save(self):
        self.cases.save(self.module, self.name)
