#!/usr/bin/env bash
# GPU check, run on the GPU machine from the repository root after bench/prepare-gpu-check.sh ran
# here (it fills .device/lib; .device/jre comes from ../shared/gpu/make-jre.sh):
#   bench/gpu-check.sh DIR [quick]
# 1. the cross-backend suite: every CUDA primitive against the CPU backend (DIR/cross-backend.txt)
# 2. timings of our kernels (GEMM 4096^3 exact and TF32, the FCOS head conv, NMS on 10k/100k boxes,
#    FCOS target assignment for 16 images) and of PyTorch on the same GPU with the same inputs
# Prints a table last; full logs in DIR. Exit status: 0 all passed, 1 a check failed.
set -uo pipefail
dir=${1:?usage: bench/gpu-check.sh DIR [quick]}
mode=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
java=${JAVA:-.device/jre/bin/java}
[ -x "$java" ] || java=$(command -v java || true)
[ -n "$java" ] || { echo "no Java: run ../shared/gpu/make-jre.sh and bench/prepare-gpu-check.sh first" >&2; exit 1; }
cp=".device/lib/*"
jvm=(--add-modules=jdk.incubator.vector -Xmx24g -XX:+UseParallelGC -Dcassl.threads=${CASSL_THREADS:-16})
status=0

{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true; } | tee "$dir/nvidia-smi.txt"

echo "== cross-backend suite"
"$java" "${jvm[@]}" -cp "$cp" org.cassl.kernels.crosscheck.CrossBackendMain "$dir/cross-backend.txt" ${SUITE_FILTER:-} \
  > "$dir/cross-backend.log" 2>&1
suite=$?
tail -n 60 "$dir/cross-backend.log"
[ $suite -eq 0 ] || status=1

echo "== cassl kernel timings"
"$java" "${jvm[@]}" -cp "$cp" org.cassl.bench.gpu.GpuBench "$dir" $mode > "$dir/cassl-bench.log" 2>&1 || status=1
tail -n 20 "$dir/cassl-bench.log"

echo "== PyTorch peer"
python3 bench/gpu/torch_peer.py "$dir" $mode > "$dir/torch-bench.log" 2>&1 || status=1
tail -n 20 "$dir/torch-bench.log"

python3 - "$dir" "$suite" <<'PY'
import json, os, sys
d, suite = sys.argv[1], int(sys.argv[2])
def load(name):
    rows = {}
    p = os.path.join(d, name)
    if os.path.exists(p):
        for line in open(p):
            line = line.strip()
            if line:
                r = json.loads(line)
                rows[r["name"]] = r
    return rows
ours, torch = load("cassl-bench.jsonl"), load("torch-bench.jsonl")
summary = ""
if os.path.exists(os.path.join(d, "cross-backend.txt")):
    lines = [l for l in open(os.path.join(d, "cross-backend.txt")) if l.startswith("cross-backend:")]
    summary = lines[-1].strip() if lines else ""
print()
print("%-20s %-40s %12s %12s %10s" % ("benchmark", "shape", "cassl ms", "torch ms", "torch/cassl"))
for name in ["gemm_f32", "gemm_tf32", "conv3x3_fcos_head", "nms_10k", "nms_100k", "fcos_assign"]:
    o, t = ours.get(name), torch.get(name)
    shape = (o or t or {}).get("shape", "")
    om = o["median_ms"] if o else float("nan")
    tm = t["median_ms"] if t else float("nan")
    print("%-20s %-40s %12.3f %12.3f %10.2f" % (name, shape[:40], om, tm, tm / om if o and t else float("nan")))
print(summary or "cross-backend suite: no result (exit %d)" % suite)
PY
exit $status
