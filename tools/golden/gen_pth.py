"""PyTorch checkpoints (torch.save zip format, PyTorch 1.13) for the Java reader in tensor.io.

Writes under tensor/src/test/resources/pth/:
  mixed.pth / mixed.safetensors   {"model": state_dict, "epoch": 3}: float32, float16, bfloat16,
                                  float64, int64, int32, uint8, bool, a 0-dim tensor, a Parameter,
                                  a transpose and a strided slice saved without .contiguous(), two
                                  tensors sharing one storage at different offsets, slices of a
                                  torchvision ResNet-18 state dict; the .safetensors twin holds the
                                  same values (float16/bfloat16 widened to F32, int32 to I64)
  wrapped.pth                     {"state_dict": OrderedDict} of some of the same tensors
  bigendian.pth                   a torch.save file rewritten big-endian, with archive/byteorder "big"
  hostile/*.pth                   pickles that torch.load(weights_only=True) refuses too: os.system,
                                  builtins.eval, subprocess.Popen, BUILD on a tensor, calls of a storage
                                  type; and broken archives: truncated zip, storage past its file,
                                  2^40 elements, unknown opcode, no data.pkl
and under detection/src/test/resources/pth/:
  fcos_r18.pth / fcos_r18.json    a whole FCOS (ResNet-18, FPN 32 channels) whose conv weights are
                                  strided views into a few small shared storages (so the file stays
                                  small), with per-tensor checksums and torchvision's detections

Run: /usr/bin/python3 tools/golden/generate.py pth
"""
import io
import json
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import torch
import torchvision
from torch import nn

from goldens import ROOT, save_safetensors

TENSOR_OUT = os.path.join(ROOT, "tensor", "src", "test", "resources", "pth")
DET_OUT = os.path.join(ROOT, "detection", "src", "test", "resources", "pth")
PWNED = "cassl-pth-pwned.txt"


def widened(t):
    """The value the Java reader returns: float16/bfloat16 -> float32, int32 -> int64, contiguous."""
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    if t.dtype == torch.int32:
        t = t.long()
    return t.contiguous()


def mixed_state_dict():
    g = torch.Generator().manual_seed(16)
    tiny = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    sd = tiny.state_dict()  # an OrderedDict with _metadata (pickled with BUILD)
    sd["f32"] = torch.randn(3, 4, generator=g)
    sd["f16"] = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8, 1e-5, float("inf"), 0.1], dtype=torch.float16)
    sd["bf16"] = torch.randn(2, 3, generator=g).to(torch.bfloat16)
    sd["f64"] = torch.randn(4, generator=g, dtype=torch.float64)
    sd["i64"] = torch.tensor([0, -1, 2 ** 40, -(2 ** 62), 7], dtype=torch.int64)
    sd["i32"] = torch.tensor([[1, -2], [2 ** 31 - 1, -(2 ** 31)]], dtype=torch.int32)
    sd["u8"] = torch.tensor([0, 1, 255, 128], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(7, dtype=torch.int64)
    base = torch.arange(15, dtype=torch.float32).reshape(3, 5) * 0.5 - 3.0
    sd["transposed"] = base.t()                          # [5, 3], strides (1, 5)
    grid = torch.randn(6, 7, generator=g)
    sd["strided"] = grid[::2, 1::3]                      # offset 1, strides (14, 3)
    shared = torch.randn(10, generator=g)
    sd["shared_a"] = shared[2:5]                         # offset 2
    sd["shared_b"] = shared[5:9].view(2, 2)              # offset 5, same storage
    sd["param"] = nn.Parameter(torch.randn(2, generator=g))   # _rebuild_parameter
    torch.manual_seed(0)
    r18 = torchvision.models.resnet18().state_dict()
    sd["resnet.conv1.weight"] = r18["conv1.weight"][:4]  # a view at the start of a 9408-float storage
    sd["resnet.bn1.running_var"] = r18["bn1.running_var"]
    sd["resnet.fc.bias"] = r18["fc.bias"][10:20]         # offset 10 into a 1000-float storage
    sd["resnet.layer1.0.bn1.num_batches_tracked"] = r18["layer1.0.bn1.num_batches_tracked"]
    return sd


# ---- hand-made archives ------------------------------------------------------------------------


def write_zip(path, entries):
    """A torch-style zip (stored entries) with the given name -> bytes, in order."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(name, data)


def archive(path, pkl, storages=(), extra=()):
    entries = [("archive/data.pkl", pkl)]
    entries += [(f"archive/data/{k}", v) for k, v in storages]
    entries += list(extra)
    entries.append(("archive/version", b"3\n"))
    write_zip(path, entries)


def u(s):
    """SHORT_BINUNICODE of s."""
    b = s.encode("utf-8")
    return b"\x8c" + bytes([len(b)]) + b


def tensor_pickle(numel, size, stride, offset=0, name="w", storage="FloatStorage"):
    """A pickle of {name: tensor} in torch's own opcodes, with ints as LONG1 so any size fits."""
    def long1(v):
        n = (v.bit_length() + 8) // 8
        return b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True)

    def tup(vals):
        return b"(" + b"".join(long1(v) for v in vals) + b"t"
    return (b"\x80\x02}" + u(name) + b"ctorch._utils\n_rebuild_tensor_v2\n(" +
            b"(" + u("storage") + b"ctorch\n" + storage.encode() + b"\n" + u("0") + u("cpu") + long1(numel) + b"tQ" +
            long1(offset) + tup(size) + tup(stride) + b"\x89ccollections\nOrderedDict\n)Rt" + b"R" + b"s.")


class Evil:
    """What an attacker saves: unpickling it would run a shell command."""

    def __reduce__(self):
        return (os.system, (f"touch {PWNED}",))


def check_weights_only_refuses(path):
    """PyTorch's own allow-list must refuse the file too (it never runs the payload)."""
    try:
        torch.load(path, weights_only=True)
    except Exception:
        return
    raise AssertionError(f"torch.load(weights_only=True) accepted {path}")


def hostile(out):
    h = os.path.join(out, "hostile")
    os.makedirs(h, exist_ok=True)
    ones = struct.pack("<2f", 1.0, 1.0)
    # 1. the real attack: torch.save of an object whose __reduce__ is os.system (pickled as posix.system)
    torch.save({"w": torch.ones(2), "evil": Evil()}, os.path.join(h, "reduce_system.pth"))
    # 2. GLOBAL os.system + REDUCE, by hand
    archive(os.path.join(h, "os_system.pth"),
            b"\x80\x02}" + u("x") + b"cos\nsystem\n" + u(f"touch {PWNED}") + b"\x85Rs.")
    # 3. builtins.eval through STACK_GLOBAL
    archive(os.path.join(h, "eval.pth"),
            b"\x80\x02" + u("builtins") + u("eval") + b"\x93" + u(f"__import__('os').system('touch {PWNED}')") + b"\x85R.")
    # 4. subprocess.Popen
    archive(os.path.join(h, "popen.pth"),
            b"\x80\x02csubprocess\nPopen\n(" + u("touch") + u(PWNED) + b"l\x85R.")
    # 5. BUILD on a tensor (setting attributes on an object other than an OrderedDict)
    t = tensor_pickle(2, [2], [1])
    archive(os.path.join(h, "build_tensor.pth"),
            t[:-2] + b"}" + u("__class__") + u("x") + b"sbs.", [("0", ones)])
    # 6. a call of an allow-listed name that is not callable: torch.FloatStorage(5)
    archive(os.path.join(h, "call_storage.pth"), b"\x80\x02}" + u("x") + b"ctorch\nFloatStorage\nK\x05\x85Rs.")
    # 7. a truncated zip: the first half of a valid checkpoint
    buf = io.BytesIO()
    torch.save({"w": torch.arange(64.0)}, buf)
    data = buf.getvalue()
    with open(os.path.join(h, "truncated.pth"), "wb") as f:
        f.write(data[: len(data) // 2])
    # 8. a storage that declares 100 floats but holds 2 (within the file size)
    archive(os.path.join(h, "storage_short.pth"), tensor_pickle(100, [100], [1]), [("0", ones)], [("archive/pad", bytes(1024))])
    # 9. a view past the end of its storage
    archive(os.path.join(h, "view_past_end.pth"), tensor_pickle(2, [4], [1], offset=1), [("0", ones)])
    # 10. absurd sizes: 2^40 elements, and a shape whose product overflows 64 bits
    archive(os.path.join(h, "huge_shape.pth"), tensor_pickle(2, [2 ** 40], [0]), [("0", ones)])
    archive(os.path.join(h, "overflow_shape.pth"), tensor_pickle(2, [2 ** 62, 2 ** 62, 16], [0, 0, 0]), [("0", ones)])
    archive(os.path.join(h, "huge_storage.pth"), tensor_pickle(2 ** 40, [2], [1]), [("0", ones)])
    # 11. an unknown opcode
    archive(os.path.join(h, "bad_opcode.pth"), b"\x80\x02}\xff.")
    # 12. no data.pkl
    write_zip(os.path.join(h, "no_pickle.pth"), [("archive/data/0", ones), ("archive/version", b"3\n")])
    for name in sorted(os.listdir(h)):
        if name not in ("truncated.pth",):
            check_weights_only_refuses(os.path.join(h, name))
    assert not os.path.exists(PWNED)


def big_endian(path):
    """torch.save output rewritten as a big-endian archive (what a big-endian host writes)."""
    buf = io.BytesIO()
    torch.save(OrderedDict(x=torch.tensor([1.5, -2.0, 3.25]), y=torch.tensor([1, -2, 2 ** 40])), buf)
    buf.seek(0)
    sizes = {"0": 4, "1": 8}
    entries = []
    with zipfile.ZipFile(buf) as z:
        for n in z.namelist():
            d = z.read(n)
            key = n.split("/")[-1]
            if "/data/" in n:
                es = sizes[key]
                d = b"".join(d[i:i + es][::-1] for i in range(0, len(d), es))
            entries.append(("archive/" + n.split("/", 1)[1], d))
    entries.append(("archive/byteorder", b"big"))
    write_zip(path, entries)


# ---- FCOS --------------------------------------------------------------------------------------

FCOS_CONFIG = {"backbone": "resnet18", "fpn_channels": 32, "num_classes": 5, "min_size": 128, "max_size": 160,
               "score_thresh": 0.05, "nms_thresh": 0.6, "detections_per_img": 100, "topk_candidates": 1000,
               "trainable_backbone_layers": 5}
FCOS_IMAGES = [("pth_image0", 90, 120, [(10, 20, 50, 70), (60, 5, 110, 40)]),
               ("pth_image1", 100, 77, [(5, 10, 70, 90)])]
VIEW_STRIDES = (11, 7, 3, 1)


def fcos_model():
    import gen_fcos
    from torchvision.models import resnet18
    from torchvision.models.detection import FCOS
    from torchvision.models.detection.backbone_utils import BackboneWithFPN
    from torchvision.ops import misc as misc_nn_ops
    from torchvision.ops.feature_pyramid_network import LastLevelP6P7
    c = FCOS_CONFIG
    body = resnet18(weights=None, norm_layer=misc_nn_ops.FrozenBatchNorm2d)
    backbone = BackboneWithFPN(body, {"layer2": "0", "layer3": "1", "layer4": "2"}, [128, 256, 512],
                               c["fpn_channels"], extra_blocks=LastLevelP6P7(c["fpn_channels"], c["fpn_channels"]))
    model = FCOS(backbone, num_classes=c["num_classes"], min_size=c["min_size"], max_size=c["max_size"],
                 score_thresh=c["score_thresh"], nms_thresh=c["nms_thresh"], detections_per_img=c["detections_per_img"],
                 topk_candidates=c["topk_candidates"])
    gen_fcos.fill_deterministic(model)
    # conv weights as strided views of one small storage per weight scale: torch.save stores the
    # storages once, so a 45 MB model becomes a few hundred KB and every conv weight is non-contiguous
    sd = model.state_dict()
    bases = {}
    out = OrderedDict()
    for name, t in sd.items():
        if t.dim() == 4:
            off, scale = gen_fcos.affine_for(name, tuple(t.shape))
            need = sum((s - 1) * st for s, st in zip(t.shape, VIEW_STRIDES)) + 1
            if scale not in bases:
                bases[scale] = gen_fcos.det_uniform(f"base{len(bases)}", 9300) * scale
            base = bases[scale]
            assert need <= base.numel(), (name, need)
            out[name] = base.as_strided(tuple(t.shape), VIEW_STRIDES, 0)
        else:
            out[name] = t
    out._metadata = sd._metadata
    model.load_state_dict(out)
    return model, out


def fcos(out):
    import gen_fcos
    torch.set_num_threads(2)
    model, sd = fcos_model()
    path = os.path.join(out, "fcos_r18.pth")
    os.makedirs(out, exist_ok=True)
    torch.save({"model": sd, "config": FCOS_CONFIG}, path)
    model.eval()
    images = [gen_fcos.det_image(n, h, w, r) for n, h, w, r in FCOS_IMAGES]
    with torch.no_grad():
        dets = model(images)
    checks = {}
    for name, t in sd.items():
        f = t.double().reshape(-1)
        idx = [0, f.numel() // 3, f.numel() - 1]
        checks[name] = {"shape": list(t.shape), "sum": f.sum().item(), "abs_sum": f.abs().sum().item(),
                        "samples": [[i, f[i].item()] for i in idx]}
    golden = {"config": FCOS_CONFIG, "images": [[n, h, w, r] for n, h, w, r in FCOS_IMAGES],
              "detections": [{"boxes": d["boxes"].tolist(), "scores": d["scores"].tolist(),
                              "labels": d["labels"].tolist()} for d in dets],
              "tensors": checks, "generator": f"torch {torch.__version__}"}
    with open(os.path.join(out, "fcos_r18.json"), "w") as f:
        json.dump(golden, f)
    print(f"wrote {path}: {os.path.getsize(path)} bytes, {len(sd)} tensors, {[len(d['boxes']) for d in dets]} detections")


def main():
    os.makedirs(TENSOR_OUT, exist_ok=True)
    sd = mixed_state_dict()
    mixed = os.path.join(TENSOR_OUT, "mixed.pth")
    torch.save({"model": sd, "epoch": 3, "note": "cassl"}, mixed)
    back = torch.load(mixed, weights_only=True)["model"]
    assert list(back.keys()) == list(sd.keys())
    save_safetensors(os.path.join(TENSOR_OUT, "mixed.safetensors"), OrderedDict((k, widened(v)) for k, v in sd.items()))
    wrapped = OrderedDict((k, sd[k]) for k in ("f32", "transposed", "shared_b", "0.weight"))
    torch.save({"state_dict": wrapped}, os.path.join(TENSOR_OUT, "wrapped.pth"))
    big_endian(os.path.join(TENSOR_OUT, "bigendian.pth"))
    hostile(TENSOR_OUT)
    for name in sorted(os.listdir(TENSOR_OUT)):
        p = os.path.join(TENSOR_OUT, name)
        if os.path.isfile(p):
            print(f"wrote {p}: {os.path.getsize(p)} bytes")
    fcos(DET_OUT)


if __name__ == "__main__":
    main()
