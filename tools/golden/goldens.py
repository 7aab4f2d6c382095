"""Shared helpers for the golden generators: a dependency-free safetensors writer and a case
collector. Run generators with Debian's PyTorch: /usr/bin/python3 tools/golden/generate.py"""
import json
import os
import struct

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_DTYPES = {
    torch.float32: "F32",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def save_safetensors(path, tensors, metadata=None):
    """Writes a dict name -> tensor as safetensors (little-endian, contiguous, in dict order)."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    blobs = []
    pos = 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype not in _DTYPES:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        data = t.numpy().tobytes() if t.dtype != torch.bool else t.to(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [pos, pos + len(data)]}
        blobs.append(data)
        pos += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


class Cases:
    """Collects golden cases: each case has a name, JSON parameters and named tensors.

    Stored as tensors '<case>/<tensor>' and metadata '<case>' -> JSON params, plus 'cases' -> JSON
    list of case names in order."""

    def __init__(self):
        self.tensors = {}
        self.meta = {}
        self.order = []

    def add(self, case, params=None, **tensors):
        if case in self.meta:
            raise ValueError(f"duplicate case {case}")
        self.order.append(case)
        self.meta[case] = json.dumps(params or {})
        for k, v in tensors.items():
            if v is None:
                continue
            self.tensors[f"{case}/{k}"] = v

    def save(self, module, name):
        path = os.path.join(ROOT, module, "src", "test", "resources", "golden", name + ".safetensors")
        meta = dict(self.meta)
        meta["cases"] = json.dumps(self.order)
        meta["generator"] = f"torch {torch.__version__}"
        save_safetensors(path, self.tensors, meta)
        print(f"wrote {path}: {len(self.order)} cases, {os.path.getsize(path)} bytes")
