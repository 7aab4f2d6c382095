"""Golden values for autograd's op rules: forward outputs and input gradients from torch autograd
with a seeded random upstream gradient, on random shapes with broadcasting, non-contiguous views,
size-1 dims, empty tensors and special values (log/sqrt of negatives give NaN).

Writes autograd/src/test/resources/golden/ops_<family>.safetensors; the Java side is
autograd's GoldenOps (op names and args must match). Run: /usr/bin/python3 tools/golden/generate.py ops
"""
import torch
import torch.nn.functional as F
import torchvision

from opgolden import OpFamily

F64 = torch.float64
T = torch.tensor


def elementwise():
    f = OpFamily("ops_elementwise", 1)
    unary = {"neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "log": torch.log, "log1p": torch.log1p,
             "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
             "relu": torch.relu, "square": torch.square, "reciprocal": torch.reciprocal, "sin": torch.sin,
             "cos": torch.cos}
    positive = {"log", "sqrt", "rsqrt"}
    for op, fn in unary.items():
        mk = (lambda *s, **k: f.uniform(0.2, 3, *s, **k)) if op in positive else f.randn
        f.add(op, fn, [mk(3, 4)])
        f.add(op, fn, [mk(4, 3)], views=["t"])
        f.add(op, fn, [mk(2, 1, 3)], views=["s2"])
        f.add(op, fn, [mk(2, 3, dtype=F64)])
    special = T([-2.0, -0.5, 0.0, 0.5, 3.0])
    for op in ["log", "sqrt", "rsqrt", "log1p"]:
        f.add(op, unary[op], [special.clone()], tag="negative")
    f.add("log1p", torch.log1p, [T([-1.5, -1.0, -0.25, 2.0])], tag="below_minus_one")
    f.add("abs", torch.abs, [T([-1.0, 0.0, 2.0, -0.0])], tag="zero")
    f.add("relu", torch.relu, [T([-1.0, 0.0, 2.0])], tag="zero")
    f.add("exp", torch.exp, [f.randn(0, 3)], tag="empty")
    f.add("sigmoid", torch.sigmoid, [f.randn()], tag="scalar")
    f.add("tanh", torch.tanh, [f.randn(3, 1, 2)], views=["off"])
    bounds = T([[-1.0, -0.5, 0.0], [0.5, 0.7, 1.0]])
    f.add("clamp", lambda x: torch.clamp(x, -0.5, 0.7), [bounds.clone()], args={"min": -0.5, "max": 0.7})
    f.add("clamp", lambda x: torch.clamp(x, min=0.0), [bounds.clone()], args={"min": 0.0, "max": None})
    f.add("clamp", lambda x: torch.clamp(x, max=0.5), [bounds.clone()], args={"min": None, "max": 0.5})
    f.add("clamp", lambda x: torch.clamp(x, -0.3, 0.3), [f.randn(3, 4)], views=["t"], args={"min": -0.3, "max": 0.3})
    for p in [2.0, 3.0, 0.0, -1.5, 0.5]:
        f.add("pow_scalar", lambda x, p=p: torch.pow(x, p), [f.uniform(0.3, 2, 3, 4)], args={"p": p})
    f.add("pow_scalar", lambda x: torch.pow(x, 0.5), [special.clone()], args={"p": 0.5}, tag="negative")
    f.add("pow_scalar", lambda x: torch.pow(x, 2.0), [f.randn(4, 3)], args={"p": 2.0}, views=["t"])

    shapes = [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 4)), ((2, 1, 3), (4, 1)), ((), (3,)),
              ((0, 3), (1, 3))]
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
              "maximum": torch.maximum, "minimum": torch.minimum}
    for op, fn in binary.items():
        for sa, sb in shapes:
            f.add(op, fn, [f.randn(*sa), f.randn(*sb)])
        f.add(op, fn, [f.randn(3, 4), f.randn(4)], views=["t", "none"])
        f.add(op, fn, [f.randn(2, 3, dtype=F64), f.randn(2, 3, dtype=F64)], views=["none", "s2"])
        f.add(op, fn, [f.randn(3, 4), f.randn(3, 4)], grads=[True, False], tag="const_b")
    for op in ["maximum", "minimum"]:
        a = f.randint(0, 3, 3, 4).float()
        b = f.randint(0, 3, 4).float()
        f.add(op, binary[op], [a, b], tag="ties")
    f.add("pow", torch.pow, [f.uniform(0.5, 2, 3, 4), f.randn(3, 4)])
    f.add("pow", torch.pow, [f.uniform(0.5, 2, 2, 1, 3), f.uniform(-1, 2, 4, 1)])
    f.add("pow", torch.pow, [f.uniform(0.5, 2, 4, 3), f.randn(3)], views=["t", "none"])
    f.add("pow", torch.pow, [T([0.0, 0.0, 2.0, 3.0, -2.0]), T([0.0, 2.0, 0.0, -1.0, 2.0])], tag="special")
    f.add("pow", torch.pow, [f.uniform(0.5, 2, 2, 3, dtype=F64), f.randn(2, 3, dtype=F64)])
    scalar = {"add_scalar": lambda x: x + 1.5, "sub_scalar": lambda x: x - 1.5, "mul_scalar": lambda x: x * -2.5,
              "div_scalar": lambda x: x / 3.0, "rsub_scalar": lambda x: 2.0 - x, "rdiv_scalar": lambda x: 2.0 / x}
    for op, fn in scalar.items():
        f.add(op, fn, [f.randn(3, 4)])
        f.add(op, fn, [f.randn(2, 3, dtype=F64)], views=["s2"])
    for sc, sa, sb in [((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), (4,)), ((4,), (3, 4), ())]:
        cond = f.randn(*sc) > 0
        f.add("where", lambda a, b, cond: torch.where(cond, a, b), [f.randn(*sa), f.randn(*sb)], consts={"cond": cond})
    for sm, sx in [((3, 4), (3, 4)), ((4,), (3, 4)), ((3, 1), (3, 4))]:
        mask = f.randn(*sm) > 0
        f.add("masked_fill", lambda x, mask: x.masked_fill(mask, 7.0), [f.randn(*sx)], args={"value": 7.0},
              consts={"mask": mask})
    f.add("masked_fill", lambda x, mask: x.masked_fill(mask, -1.0), [f.randn(4, 3)], args={"value": -1.0},
          views=["t"], consts={"mask": f.randn(4, 3) > 0})
    f.save()


def reduce():
    f = OpFamily("ops_reduce", 2)
    for op, fn in [("sum", torch.sum), ("mean", torch.mean)]:
        f.add(op, lambda x: fn(x), [f.randn(3, 4)], args={"dims": None, "keepdim": False})
        f.add(op, lambda x: fn(x, [1]), [f.randn(2, 3, 4)], args={"dims": [1], "keepdim": False})
        f.add(op, lambda x: fn(x, [0, 2], keepdim=True), [f.randn(2, 3, 4)], args={"dims": [0, 2], "keepdim": True})
        f.add(op, lambda x: fn(x, [-1]), [f.randn(3, 4)], views=["t"], args={"dims": [-1], "keepdim": False})
        f.add(op, lambda x: fn(x, [0]), [f.randn(0, 3)], args={"dims": [0], "keepdim": False}, tag="empty")
        f.add(op, lambda x: fn(x, [1]), [f.randn(3, 1, 2, dtype=F64)], args={"dims": [1], "keepdim": False})
    for op, fn in [("max_dim", torch.max), ("min_dim", torch.min)]:
        f.add(op, lambda x: fn(x, 1), [f.randn(3, 4)], args={"dim": 1, "keepdim": False})
        f.add(op, lambda x: fn(x, 0, keepdim=True), [f.randn(3, 4)], views=["t"], args={"dim": 0, "keepdim": True})
        f.add(op, lambda x: fn(x, -1), [f.randn(2, 3, 5)], args={"dim": -1, "keepdim": False})
        f.add(op, lambda x: fn(x, 1), [f.randint(0, 3, 3, 5).float()], args={"dim": 1, "keepdim": False}, tag="ties")
    for op, fn in [("amax", torch.amax), ("amin", torch.amin)]:
        f.add(op, lambda x: fn(x, [1]), [f.randn(3, 4)], args={"dims": [1], "keepdim": False})
        f.add(op, lambda x: fn(x, [0, 2], keepdim=True), [f.randint(0, 3, 2, 3, 4).float()],
              args={"dims": [0, 2], "keepdim": True}, tag="ties")
        f.add(op, lambda x: fn(x, [0]), [f.randn(4, 3, dtype=F64)], views=["t"], args={"dims": [0], "keepdim": False})
    for op, fn in [("max_all", torch.max), ("min_all", torch.min)]:
        f.add(op, fn, [f.randn(3, 4)])
        f.add(op, fn, [f.randint(0, 3, 3, 4).float()], tag="ties")
    for dims, corr, keep in [(None, 1, False), ([1], 1, False), ([0, 2], 0, True), ([-1], 1, True)]:
        x = f.randn(2, 3, 4)
        fn = (lambda x, c=corr: torch.var(x, unbiased=bool(c))) if dims is None else \
            (lambda x, d=dims, c=corr, k=keep: torch.var(x, d, unbiased=bool(c), keepdim=k))
        f.add("var", fn, [x], args={"dims": dims, "correction": corr, "keepdim": keep})
    f.add("var", lambda x: torch.var(x, [0], unbiased=True), [f.randn(4, 3, dtype=F64)], views=["t"],
          args={"dims": [0], "correction": 1, "keepdim": False})
    for dim, x, v in [(1, f.randn(3, 4), "none"), (0, f.randn(4, 3), "t"), (-1, f.randn(2, 3, 5), "none"),
                      (0, f.randn(5, dtype=F64), "none")]:
        f.add("cumsum", lambda x, d=dim: torch.cumsum(x, d), [x], views=[v], args={"dim": dim})
    f.add("prod", lambda x: torch.prod(x), [f.uniform(0.5, 1.5, 2, 3)], args={"dim": None, "keepdim": False})
    f.add("prod", lambda x: torch.prod(x, 1), [f.randn(3, 4)], args={"dim": 1, "keepdim": False})
    f.add("prod", lambda x: torch.prod(x, 0, keepdim=True), [f.randn(4, 3)], views=["t"],
          args={"dim": 0, "keepdim": True})
    zeros = T([[0.5, 0.0, 2.0, 1.5], [0.0, 3.0, 0.0, 1.0], [1.0, 2.0, -1.0, 0.5]])
    f.add("prod", lambda x: torch.prod(x, 1), [zeros.clone()], args={"dim": 1, "keepdim": False}, tag="zeros")
    f.add("prod", lambda x: torch.prod(x), [zeros[0].clone()], args={"dim": None, "keepdim": False}, tag="zero")
    f.add("logsumexp", lambda x: torch.logsumexp(x, [1]), [f.randn(3, 4)], args={"dims": [1], "keepdim": False})
    f.add("logsumexp", lambda x: torch.logsumexp(x, [0, 2], keepdim=True), [f.randn(2, 3, 4) * 50],
          args={"dims": [0, 2], "keepdim": True}, tag="large")
    f.add("logsumexp", lambda x: torch.logsumexp(x, [1]), [T([[0.0, -float("inf"), 1.0], [2.0, 3.0, -1.0]])],
          args={"dims": [1], "keepdim": False}, tag="neg_inf")
    for op, fn in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
        f.add(op, lambda x: fn(x, 1), [f.randn(3, 4)], args={"dim": 1})
        f.add(op, lambda x: fn(x, -1), [f.randn(4, 3)], views=["t"], args={"dim": -1})
        f.add(op, lambda x: fn(x, 0), [f.randn(2, 3, 4) * 30], args={"dim": 0}, tag="large")
        f.add(op, lambda x: fn(x, 1), [f.randn(2, 5, dtype=F64)], args={"dim": 1})
    f.save()


def views():
    f = OpFamily("ops_views", 3)
    f.add("reshape", lambda x: x.reshape(4, 3), [f.randn(2, 6)], args={"shape": [4, 3]})
    f.add("reshape", lambda x: x.reshape(-1), [f.randn(3, 4)], views=["t"], args={"shape": [-1]})
    f.add("reshape", lambda x: x.reshape(2, 0, 5), [f.randn(0, 10)], args={"shape": [2, 0, 5]}, tag="empty")
    f.add("view", lambda x: x.view(6, 2), [f.randn(3, 4)], args={"shape": [6, 2]})
    f.add("view", lambda x: x.view(3, 2, 2), [f.randn(3, 4)], views=["s2"], args={"shape": [3, 2, 2]})
    f.add("permute", lambda x: x.permute(2, 0, 1), [f.randn(2, 3, 4)], args={"dims": [2, 0, 1]})
    f.add("permute", lambda x: x.permute(1, 0), [f.randn(3, 4)], views=["t"], args={"dims": [1, 0]})
    f.add("transpose", lambda x: x.transpose(0, 2), [f.randn(2, 3, 4)], args={"d0": 0, "d1": 2})
    for dim, st, en, step, shape in [(1, 1, 6, 2, (2, 7)), (0, -3, 10, 1, (5, 2)), (0, 0, 5, 3, (5, 2)),
                                     (1, 2, 2, 1, (3, 4))]:
        f.add("slice", lambda x, d=dim, a=st, b=en, s=step: x[(slice(None),) * d + (slice(a, b, s),)],
              [f.randn(*shape)], args={"dim": dim, "start": st, "end": en, "step": step})
    f.add("slice", lambda x: x[:, 1:4:2], [f.randn(4, 3).t().contiguous()], views=["off"],
          args={"dim": 1, "start": 1, "end": 4, "step": 2})
    f.add("narrow", lambda x: x.narrow(1, 1, 2), [f.randn(3, 4)], args={"dim": 1, "start": 1, "length": 2})
    f.add("narrow", lambda x: x.narrow(0, -2, 2), [f.randn(4, 3)], views=["t"], args={"dim": 0, "start": -2, "length": 2})
    f.add("select", lambda x: x.select(1, -1), [f.randn(3, 4)], args={"dim": 1, "index": -1})
    f.add("select", lambda x: x.select(0, 1), [f.randn(2, 3, 4)], views=["s2"], args={"dim": 0, "index": 1})
    f.add("expand", lambda x: x.expand(2, 3, 4), [f.randn(3, 1)], args={"shape": [2, 3, 4]})
    f.add("expand", lambda x: x.expand(-1, 5), [f.randn(4, 1)], views=["t"], args={"shape": [-1, 5]})
    f.add("squeeze", lambda x: x.squeeze(), [f.randn(1, 3, 1, 2)], args={"dim": None})
    f.add("squeeze", lambda x: x.squeeze(2), [f.randn(3, 2, 1)], args={"dim": 2})
    f.add("squeeze", lambda x: x.squeeze(0), [f.randn(3, 2)], args={"dim": 0}, tag="noop")
    f.add("unsqueeze", lambda x: x.unsqueeze(1), [f.randn(3, 2)], args={"dim": 1})
    f.add("unsqueeze", lambda x: x.unsqueeze(-1), [f.randn(4, 3)], views=["t"], args={"dim": -1})
    f.add("flatten", lambda x: x.flatten(1, 2), [f.randn(2, 3, 2, 2)], args={"start": 1, "end": 2})
    f.add("flatten", lambda x: x.flatten(0, -1), [f.randn(4, 3)], views=["t"], args={"start": 0, "end": -1})
    f.add("contiguous", lambda x: x.contiguous(), [f.randn(4, 3)], views=["t"])
    f.add("cat", lambda a, b, c: torch.cat([a, b, c], 1), [f.randn(2, 1), f.randn(2, 3), f.randn(2, 2)],
          views=["none", "none", "t"], args={"dim": 1})
    f.add("cat", lambda a, b: torch.cat([a, b], 0), [f.randn(0), f.randn(3)], args={"dim": 0}, tag="legacy_empty")
    f.add("cat", lambda a, b: torch.cat([a, b], -1), [f.randn(2, 3, dtype=F64), f.randn(2, 0, dtype=F64)],
          args={"dim": -1})
    f.add("cat", lambda a, b: torch.cat([a, b], 0), [f.randn(2, 3), f.randn(1, 3)], grads=[True, False],
          args={"dim": 0}, tag="const")
    f.add("stack", lambda a, b: torch.stack([a, b], 1), [f.randn(2, 3), f.randn(2, 3)], args={"dim": 1})
    f.add("stack", lambda a, b: torch.stack([a, b], -1), [f.randn(2, 3), f.randn(2, 3)], views=["t", "none"],
          args={"dim": -1})
    f.add("split", lambda x: list(torch.split(x, 2, 1)), [f.randn(2, 5)], args={"size": 2, "dim": 1})
    f.add("split", lambda x: list(torch.split(x, [1, 3], 0)), [f.randn(4, 2)], args={"sizes": [1, 3], "dim": 0})
    f.add("chunk", lambda x: list(torch.chunk(x, 3, 1)), [f.randn(2, 7)], args={"chunks": 3, "dim": 1})
    f.add("chunk", lambda x: list(torch.chunk(x, 2, 0)), [f.randn(4, 5)], views=["t"], args={"chunks": 2, "dim": 0})
    f.save()


def index():
    f = OpFamily("ops_index", 4)
    f.add("index_select", lambda x, index: x.index_select(0, index), [f.randn(4, 3)], args={"dim": 0},
          consts={"index": T([2, 0, 2])})
    f.add("index_select", lambda x, index: x.index_select(1, index), [f.randn(4, 3)], views=["t"], args={"dim": 1},
          consts={"index": T([1, 1])})
    f.add("index_select", lambda x, index: x.index_select(0, index), [f.randn(3, 2)], args={"dim": 0},
          consts={"index": T([], dtype=torch.int64)}, tag="empty")
    f.add("gather", lambda x, index: x.gather(1, index), [f.randn(3, 4)], args={"dim": 1},
          consts={"index": f.randint(0, 4, 3, 2)})
    f.add("gather", lambda x, index: x.gather(0, index), [f.randn(4, 3)], views=["t"], args={"dim": 0},
          consts={"index": f.randint(0, 4, 5, 3)})
    f.add("scatter_add", lambda x, s, index: x.scatter_add(0, index, s), [f.randn(3, 4), f.randn(2, 4)],
          args={"dim": 0}, consts={"index": f.randint(0, 3, 2, 4)})
    f.add("scatter_add", lambda x, s, index: x.scatter_add(1, index, s), [f.randn(3, 5), f.randn(2, 3)],
          args={"dim": 1}, consts={"index": f.randint(0, 5, 2, 3)}, views=["none", "t"])
    f.add("masked_select", lambda x, mask: x.masked_select(mask), [f.randn(3, 4)], consts={"mask": f.randn(3, 4) > 0})
    f.add("masked_select", lambda x, mask: x.masked_select(mask), [f.randn(4, 3)], views=["t"],
          consts={"mask": f.randn(3) > 0})
    f.add("masked_select", lambda x, mask: x.masked_select(mask), [f.randn(4)], consts={"mask": f.randn(3, 4) > 0},
          tag="broadcast_input")
    f.add("topk", lambda x: torch.topk(x, 2, 1), [f.randn(3, 5)], args={"k": 2, "dim": 1, "largest": True})
    f.add("topk", lambda x: torch.topk(x, 3, 0, largest=False), [f.randn(3, 4)], views=["t"],
          args={"k": 3, "dim": 0, "largest": False})
    f.add("sort", lambda x: torch.sort(x, 1, descending=True), [f.randn(3, 4)], args={"dim": 1, "descending": True})
    f.add("sort", lambda x: torch.sort(x, 0), [f.randn(2, 5, dtype=F64)], views=["s2"],
          args={"dim": 0, "descending": False})
    f.save()


def linalg():
    f = OpFamily("ops_linalg", 5)
    for sa, sb, va in [((3, 4), (4, 2), "none"), ((4,), (4,), "none"), ((4,), (4, 3), "none"),
                       ((3, 4), (4,), "none"), ((2, 3, 4), (4, 2), "none"), ((3, 4), (2, 4, 2), "none"),
                       ((4,), (2, 4, 3), "none"), ((2, 1, 3, 4), (3, 4, 2), "none"), ((3, 4), (4, 5), "t"),
                       ((0, 4), (4, 3), "none")]:
        f.add("matmul", torch.matmul, [f.randn(*sa), f.randn(*sb)], views=[va, "none"])
    f.add("matmul", torch.matmul, [f.randn(3, 5, dtype=F64), f.randn(5, 2, dtype=F64)], views=["none", "t"])
    f.add("bmm", torch.bmm, [f.randn(2, 3, 4), f.randn(2, 4, 5)])
    f.add("linear", lambda x, w, b: F.linear(x, w, b), [f.randn(3, 4), f.randn(2, 4), f.randn(2)],
          args={"bias": True})
    f.add("linear", lambda x, w: F.linear(x, w), [f.randn(2, 3, 4), f.randn(5, 4)], args={"bias": False})
    f.save()


def nn():
    f = OpFamily("ops_nn", 6)

    def conv(op, x, w, b, stride, pad, dil, groups, outpad=None, views=None, tag=None):
        args = {"stride": stride, "padding": pad, "dilation": dil, "groups": groups, "bias": b is not None}
        if op == "conv2d":
            fn = lambda x, w, *b: F.conv2d(x, w, b[0] if b else None, stride, pad, dil, groups)
        else:
            args["output_padding"] = outpad
            fn = lambda x, w, *b: F.conv_transpose2d(x, w, b[0] if b else None, stride, pad, outpad, groups, dil)
        f.add(op, fn, [x, w] + ([b] if b is not None else []), args=args, views=views, tag=tag)

    conv("conv2d", f.randn(2, 3, 7, 6), f.randn(4, 3, 3, 3), f.randn(4), [1, 1], [1, 1], [1, 1], 1)
    conv("conv2d", f.randn(1, 4, 8, 7), f.randn(6, 2, 3, 2), f.randn(6), [2, 1], [1, 0], [1, 2], 2)
    conv("conv2d", f.randn(2, 2, 6, 6), f.randn(3, 2, 1, 1), None, [1, 1], [0, 0], [1, 1], 1, views=["t", "none"])
    conv("conv2d", f.randn(1, 2, 5, 5, dtype=F64), f.randn(2, 1, 3, 3, dtype=F64), f.randn(2, dtype=F64),
         [2, 2], [1, 1], [1, 1], 2)
    conv("conv_transpose2d", f.randn(2, 3, 4, 4), f.randn(3, 2, 3, 3), f.randn(2), [2, 2], [1, 1], [1, 1], 1,
         outpad=[1, 1])
    conv("conv_transpose2d", f.randn(1, 4, 3, 5), f.randn(4, 3, 2, 3), None, [1, 2], [0, 1], [2, 1], 2,
         outpad=[0, 1])
    conv("conv_transpose2d", f.randn(1, 2, 3, 3, dtype=F64), f.randn(2, 2, 3, 3, dtype=F64),
         f.randn(2, dtype=F64), [1, 1], [0, 0], [1, 1], 1, outpad=[0, 0])

    def pool(op, x, k, s, p, dil=(1, 1), ceil=False, include=True, views=None):
        args = {"kernel": list(k), "stride": list(s), "padding": list(p), "dilation": list(dil), "ceil_mode": ceil,
                "count_include_pad": include}
        if op == "max_pool2d":
            fn = lambda x: F.max_pool2d(x, k, s, p, dil, ceil_mode=ceil, return_indices=True)
        else:
            fn = lambda x: F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=include)
        f.add(op, fn, [x], args=args, views=views)

    pool("max_pool2d", f.randn(2, 3, 7, 6), (3, 3), (2, 2), (1, 1))
    pool("max_pool2d", f.randn(1, 2, 5, 5), (2, 2), (2, 2), (0, 0), ceil=True)
    pool("max_pool2d", f.randn(1, 2, 7, 7), (3, 2), (1, 2), (1, 1), dil=(2, 1), views=["t"])
    pool("max_pool2d", f.randint(0, 3, 1, 1, 4, 4).float(), (2, 2), (1, 1), (0, 0))
    pool("avg_pool2d", f.randn(2, 3, 7, 6), (3, 3), (2, 2), (1, 1))
    pool("avg_pool2d", f.randn(1, 2, 6, 6), (3, 3), (2, 2), (1, 1), ceil=True, include=False)
    pool("avg_pool2d", f.randn(1, 2, 5, 4, dtype=F64), (2, 3), (2, 1), (1, 1), views=["t"])

    def interp(x, size=None, scale=None, mode="nearest", align=None, recompute=None, views=None):
        args = {"size": size, "scale": scale, "mode": mode, "align_corners": align, "recompute_scale_factor": recompute}
        fn = lambda x: F.interpolate(x, size=size, scale_factor=scale, mode=mode, align_corners=align,
                                     recompute_scale_factor=recompute)
        f.add("interpolate", fn, [x], args=args, views=views)

    interp(f.randn(1, 2, 3, 5), size=[7, 4])
    interp(f.randn(2, 1, 3, 3), scale=[1.5, 2.0])
    interp(f.randn(1, 2, 4, 3), scale=[1.7, 0.8], recompute=True)
    interp(f.randn(1, 2, 3, 4), size=[5, 7], mode="bilinear", align=True)
    interp(f.randn(1, 2, 3, 4), size=[6, 9], mode="bilinear", align=False)
    interp(f.randn(1, 2, 3, 3), scale=[2.5, 1.5], mode="bilinear", align=False)
    interp(f.randn(1, 2, 3, 3), scale=[2.5, 1.5], mode="bilinear", align=False, recompute=True)
    interp(f.randn(1, 1, 7, 5), size=[3, 2], mode="bilinear", align=False)
    interp(f.randn(1, 2, 4, 5), scale=[2.0, 2.0], mode="bilinear", align=True, views=["t"])
    interp(f.randn(1, 2, 3, 4, dtype=F64), size=[5, 5], mode="bilinear", align=False)

    for x, groups, affine in [(f.randn(2, 4, 3, 3), 2, True), (f.randn(2, 6, 5), 3, False),
                              (f.randn(1, 4, 2, 3, dtype=F64), 4, True)]:
        c = x.shape[1]
        inputs = [x] + ([f.randn(c, dtype=x.dtype), f.randn(c, dtype=x.dtype)] if affine else [])
        fn = lambda x, *wb, g=groups: F.group_norm(x, g, *(wb if wb else (None, None)), eps=1e-5)
        f.add("group_norm", fn, inputs, args={"groups": groups, "eps": 1e-5, "affine": affine})

    for training, affine, running, shape in [(True, True, True, (3, 4, 2, 2)), (True, False, False, (5, 3)),
                                             (False, True, True, (2, 3, 2, 2)), (True, True, True, (2, 2, 3))]:
        x = f.randn(*shape)
        c = shape[1]
        rm = f.randn(c) if running else None
        rv = f.uniform(0.5, 2, c) if running else None
        inputs = [x] + ([f.randn(c), f.randn(c)] if affine else [])
        consts = {"rm": rm.clone(), "rv": rv.clone()} if running else {}
        fn = lambda x, *wb, rm_=rm, rv_=rv, t=training, **_: F.batch_norm(
            x, rm_, rv_, *(wb if wb else (None, None)), training=t, momentum=0.1, eps=1e-5)
        extra = {"rm": rm, "rv": rv} if running else None
        f.add("batch_norm", fn, inputs, consts=consts, extra=extra,
              args={"training": training, "momentum": 0.1, "eps": 1e-5, "affine": affine, "running": running})

    # roi_align is a detection op (org.cassl.detection.ops.RoiAlign): its cases go to the detection
    # module's ops_roi_align, drawn from the same generator so the other cases do not change.
    roi = OpFamily("ops_roi_align", 0, module="detection")
    roi.gen = f.gen
    rois = T([[0, 1.2, 0.7, 5.5, 6.1], [1, 0.3, 2.2, 7.0, 4.9], [0, 3.0, 3.0, 3.5, 4.0], [1, -1.0, 6.0, 9.0, 9.5]])
    for out, scale, ratio, aligned in [([3, 2], 1.0, 2, True), ([2, 2], 0.5, 0, False), ([4, 3], 0.8, -1, True)]:
        fn = lambda x, rois, o=out, s=scale, r=ratio, a=aligned: torchvision.ops.roi_align(x, rois, o, s, r, a)
        roi.add("roi_align", fn, [f.randn(2, 3, 8, 8)], consts={"rois": rois},
              args={"output_size": out, "spatial_scale": scale, "sampling_ratio": ratio, "aligned": aligned})
    roi.save()

    for red, weight, pos in [("mean", False, False), ("none", True, False), ("sum", True, True), ("mean", False, True)]:
        x = f.randn(3, 4) * 4
        t = f.uniform(0, 1, 3, 4)
        consts = {}
        if weight:
            consts["weight"] = f.uniform(0, 2, 4)
        if pos:
            consts["pos_weight"] = f.uniform(0.5, 3, 4)
        fn = lambda x, t, weight=None, pos_weight=None, r=red: F.binary_cross_entropy_with_logits(
            x, t, weight=weight, pos_weight=pos_weight, reduction=r)
        f.add("bce_with_logits", fn, [x, t], consts=consts, args={"reduction": red})
    extreme = T([[-100.0, -20.0, 0.0, 20.0, 100.0], [-50.0, -1.0, 1.0, 50.0, 0.5]])
    f.add("bce_with_logits", lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
          [extreme, f.uniform(0, 1, 2, 5)], args={"reduction": "none"}, tag="extreme")
    f.add("bce_with_logits", lambda x, t, pos_weight: F.binary_cross_entropy_with_logits(
        x, t, pos_weight=pos_weight, reduction="sum"), [extreme.clone(), T([[0.0, 1.0, 0.5, 1.0, 0.0]] * 2)],
        consts={"pos_weight": T([2.0, 0.5, 1.0, 3.0, 1.5])}, args={"reduction": "sum"}, tag="extreme_pos_weight")
    f.save()


def main():
    elementwise()
    reduce()
    views()
    index()
    linalg()
    nn()


if __name__ == "__main__":
    main()
