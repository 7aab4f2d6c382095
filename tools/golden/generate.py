"""Regenerates every golden file: /usr/bin/python3 tools/golden/generate.py [name ...]

Each gen_*.py module in this folder exposes main(); they write small safetensors files into the
test resources of the module they test."""
import glob
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

wanted = set(sys.argv[1:])
for path in sorted(glob.glob(os.path.join(HERE, "gen_*.py"))):
    name = os.path.basename(path)[4:-3]
    if wanted and name not in wanted:
        continue
    print(f"== {name}")
    importlib.import_module(f"gen_{name}").main()
