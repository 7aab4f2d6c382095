"""Golden outputs of PyTorch's CPU conv2d, conv_transpose2d, max_pool2d (values and indices) and
avg_pool2d for the tensor module's CPU kernels (tensor/src/test/resources/golden/cpu_kernels)."""
import torch
import torch.nn.functional as F

from goldens import Cases


def main():
    torch.manual_seed(1234)
    cases = Cases()

    # conv2d: (n, c, h, w, k, kh, kw, stride, padding, dilation, groups, bias)
    convs = [
        (2, 3, 9, 10, 4, 3, 3, (1, 1), (1, 1), (1, 1), 1, True),
        (1, 4, 8, 7, 6, 1, 1, (1, 1), (0, 0), (1, 1), 2, False),
        (2, 6, 11, 9, 4, 3, 2, (2, 1), (1, 2), (2, 1), 2, True),
        (1, 8, 7, 7, 8, 3, 3, (2, 2), (1, 1), (1, 1), 8, True),
        (1, 5, 6, 13, 7, 5, 5, (3, 2), (2, 2), (1, 1), 1, False),
    ]
    for i, (n, c, h, w, k, kh, kw, s, p, d, g, b) in enumerate(convs):
        x = torch.randn(n, c, h, w)
        wt = torch.randn(k, c // g, kh, kw)
        bias = torch.randn(k) if b else None
        out = F.conv2d(x, wt, bias, stride=s, padding=p, dilation=d, groups=g)
        cases.add(f"conv2d_{i}", dict(stride=s, padding=p, dilation=d, groups=g), x=x, w=wt, b=bias, out=out)

    # conv_transpose2d: (n, c, h, w, k_per_group, kh, kw, stride, padding, output_padding, dilation, groups, bias)
    transposed = [
        (2, 4, 5, 6, 3, 3, 3, (2, 2), (1, 1), (1, 1), (1, 1), 1, True),
        (1, 6, 4, 4, 2, 2, 3, (2, 1), (0, 1), (0, 0), (1, 2), 3, False),
        (1, 3, 6, 5, 4, 1, 1, (1, 1), (0, 0), (0, 0), (1, 1), 1, True),
    ]
    for i, (n, c, h, w, kg, kh, kw, s, p, op, d, g, b) in enumerate(transposed):
        x = torch.randn(n, c, h, w)
        wt = torch.randn(c, kg, kh, kw)
        bias = torch.randn(kg * g) if b else None
        out = F.conv_transpose2d(x, wt, bias, stride=s, padding=p, output_padding=op, groups=g, dilation=d)
        cases.add(f"convt_{i}", dict(stride=s, padding=p, output_padding=op, dilation=d, groups=g), x=x, w=wt,
                  b=bias, out=out)

    # max_pool2d: (kernel, stride, padding, dilation, ceil_mode)
    pools = [(2, 2, 0, 1, False), (3, 2, 1, 1, False), (3, 2, 1, 1, True), (3, 2, 1, 2, True), (2, 3, 1, 1, True)]
    for i, (k, s, p, d, ceil) in enumerate(pools):
        x = torch.randn(2, 3, 9, 8).round()  # ties
        if i == 1:
            x[0, 0, 2, 3] = float("nan")
            x[1, 2, 4, 4] = float("nan")
            x[1, 2, 4, 5] = float("nan")
        out, idx = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
        cases.add(f"maxpool_{i}", dict(kernel=k, stride=s, padding=p, dilation=d, ceil_mode=ceil), x=x, out=out,
                  indices=idx)

    # avg_pool2d: (kernel, stride, padding, ceil_mode, count_include_pad)
    avgs = [(2, 2, 0, False, True), (3, 2, 1, False, True), (3, 2, 1, True, True), (3, 2, 1, True, False),
            (2, 3, 1, True, False), (4, 3, 2, True, True)]
    for i, (k, s, p, ceil, cip) in enumerate(avgs):
        x = torch.randn(2, 3, 10, 7)
        out = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip)
        cases.add(f"avgpool_{i}", dict(kernel=k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=cip), x=x,
                  out=out)

    cases.save("tensor", "cpu_kernels")


if __name__ == "__main__":
    main()
