#!/usr/bin/env bash
# GPU check: one short run on the GPU machine that cannot hang, lose its output or blame a fault on
# the wrong case. Prepare HERE first (builds the jars, the ready cubins and a JRE into .device/):
#   bench/prepare-gpu-check.sh            then carry .device with the checkout (< 64 MiB)
# Run THERE, from the repository root:
#   bench/gpu-check.sh [DIR]              results in $OUT if set, else DIR, else ./gpu-check-out
#   bench/gpu-check.sh --emulate [DIR]    the same steps here, CUDA kernels on the CPU emulator
#                                         (needs a JDK and g++/libffi; timings skipped)
# Steps, each in its own JVM (a fresh CUDA context) under `timeout`, with timestamps:
#   0. java -version, ldd --version, nvidia-smi; exec bits of .device/jre restored
#   1. cross-backend suite, one JVM per family (CrossBackendMain --family F): every CUDA op against
#      the CPU backend, launches synchronous (CUDA_LAUNCH_BLOCKING=1, -Dcassl.cuda.sync=true) so a
#      fault names its case. After a sticky fault (illegal address ...) or a timeout/crash the
#      family resumes in a new JVM after the case that failed; cases never run count as failed.
#   2. FCOS step check: runs class $FCOS_CHECK_CLASS (default org.cassl.bench.gpu.FcosStepCheck,
#      `main(DIR [--emulate])`, exit 0 = pass) when the jars have it, else a SKIP line.
#   3. timings (GPU only): GpuBench and the PyTorch peer (when torch sees CUDA), one process per group
#      (GEMM FP32/TF32, conv fwd and bwd, NMS 10k/100k, FCOS assignment, FCOS R50 step batch 8), table.
# DIR/summary.txt gets one line per case as it finishes (PASS/FAIL/SKIP, START before each case);
# DIR/gpu-check.log the whole console; DIR/cross-backend/F.{txt,log} the full reports.
# The last line printed is exactly `N passed, M failed` (cross-backend cases + FCOS step check).
# Exit status 0 when M = 0 and N > 0. Environment: DEADLINE_S (default 540: steps are cut to end
# by then), FAMILY_TIMEOUT_S (150; emulated 1800), FCOS_TIMEOUT_S (240), BENCH_TIMEOUT_S (90 per timing
# group: gemm, conv, nms, fcos_assign; cassl and PyTorch each), STEP_TIMEOUT_S (180: fcos_step),
# QUICK=1 (short timings), JAVA, XMX, FAMILIES (space-separated subset), FCOS_CHECK_CLASS.
set -uo pipefail
start_s=$(date +%s)
emulate=0
if [ "${1:-}" = "--emulate" ]; then emulate=1; shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dir=${OUT:-${1:-./gpu-check-out}}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || { echo "cannot create $dir" >&2; exit 2; }
summary=$dir/summary.txt
: > "$summary"
: > "$dir/gpu-check.log"

ts() { date -u +%H:%M:%S; }
log() { printf '[%s +%4ds] %s\n' "$(ts)" $(( $(date +%s) - start_s )) "$*" | tee -a "$dir/gpu-check.log"; }
record() { printf '%s\n' "$*" >> "$summary"; }  # one append per line: on disk at once
if [ $emulate = 1 ]; then deadline_s=${DEADLINE_S:-100000}; else deadline_s=${DEADLINE_S:-540}; fi
left() { echo $(( deadline_s - ($(date +%s) - start_s) )); }
# timeout for a step: its own limit, cut to what is left before the deadline
limit() { local l; l=$(left); [ "$1" -lt "$l" ] && echo "$1" || echo "$l"; }

log "gpu-check $([ $emulate = 1 ] && echo '(emulated) ')into $dir, deadline ${deadline_s}s"

# --- 0. environment ------------------------------------------------------------------------------
if [ -d .device/jre ]; then
  chmod +x .device/jre/bin/* 2>/dev/null
  find .device/jre/lib -maxdepth 2 -type f \( -name jspawnhelper -o -name jexec -o -name '*.so' \) \
    -exec chmod +x {} + 2>/dev/null
fi
if [ $emulate = 1 ]; then
  java=${JAVA:-$(command -v java || true)}   # a JDK: the emulator is compiled against its JNI headers
  xmx=${XMX:-6g}
else
  java=${JAVA:-.device/jre/bin/java}
  [ -x "$java" ] || java=$(command -v java || true)
  xmx=${XMX:-24g}
fi
{ echo "== java -version ($java)"; timeout 20 "$java" -version 2>&1
  echo "== ldd --version"; timeout 10 ldd --version 2>&1 | head -1
  echo "== nvidia-smi"; timeout 30 nvidia-smi 2>&1 || echo "(nvidia-smi unavailable)"
} > "$dir/environment.txt" 2>&1
cat "$dir/environment.txt" | tee -a "$dir/gpu-check.log"
[ -n "$java" ] && [ -x "$java" ] || { log "no Java: run bench/prepare-gpu-check.sh here first"; echo "0 passed, 1 failed"; exit 1; }
cp=".device/lib/*"
ls .device/lib/*.jar >/dev/null 2>&1 || { log "no jars in .device/lib: run bench/prepare-gpu-check.sh first"; echo "0 passed, 1 failed"; exit 1; }
ls .device/lib/cassl-cubins.jar >/dev/null 2>&1 && log "ready cubins: .device/lib/cassl-cubins.jar" \
  || log "no cubin bundle: kernels will be assembled (or JIT-compiled) at load"
jvm=(--add-modules=jdk.incubator.vector -Xmx"$xmx" -XX:+UseParallelGC -Dcassl.threads="${CASSL_THREADS:-16}"
     -Dcassl.cuda.sync=true -Dcassl.kernels.dir="$root/kernels")
export CUDA_LAUNCH_BLOCKING=1
emu=(); [ $emulate = 1 ] && emu=(--emulate)

# --- 1. cross-backend suite, one JVM per family ------------------------------------------------
fam_timeout=${FAMILY_TIMEOUT_S:-$([ $emulate = 1 ] && echo 1800 || echo 150)}
families=${FAMILIES:-$(timeout 60 "$java" "${jvm[@]}" -cp "$cp" org.cassl.kernels.crosscheck.CrossBackendMain --list-families 2>"$dir/families.err")}
[ -n "$families" ] || { log "cannot list the suite's families: $(head -3 "$dir/families.err")"; record "FAIL suite: cannot list families"; }
mkdir -p "$dir/cross-backend"
results() { grep -cE "^(PASS|FAIL|SKIP) $1 #" "$summary"; }
next_index() {  # one past the highest case index of family $1 with a result
  grep -E "^(PASS|FAIL|SKIP) $1 #" "$summary" | sed -E 's/^[A-Z]+ [^ ]+ #([0-9]+) .*/\1/' | sort -n | tail -1 \
    | awk '{print $1 + 1} END {if (NR == 0) print 0}' | tail -1
}
for f in $families; do
  from=0
  while :; do
    t=$(limit "$fam_timeout")
    if [ "$(left)" -le 5 ]; then log "$f: no time left before the deadline"; break; fi
    log "family $f from case $from (timeout ${t}s)"
    timeout -k 10 "$t" "$java" "${jvm[@]}" -cp "$cp" org.cassl.kernels.crosscheck.CrossBackendMain "${emu[@]}" \
      --family "$f" --from "$from" --summary "$summary" "$dir/cross-backend/$f.txt" >> "$dir/cross-backend/$f.log" 2>&1
    rc=$?
    plan=$(grep -m1 -E "^PLAN $f " "$summary" | awk '{print $3}')
    if [ -z "$plan" ]; then
      log "$f: the JVM ended (rc $rc) before planning its cases: $(tail -3 "$dir/cross-backend/$f.log" | tr '\n' ' ')"
      record "FAIL $f #0 (family did not start, rc $rc)"
      break
    fi
    # a case that started and has no result: it hung (rc 124/137) or the JVM crashed in it
    last=$(grep -E "^START $f #" "$summary" | tail -1)
    if [ -n "$last" ]; then
      k=$(echo "$last" | sed -E 's/^START [^ ]+ #([0-9]+) .*/\1/')
      if ! grep -qE "^(PASS|FAIL|SKIP) $f #$k " "$summary"; then
        why=$([ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "timed out after ${t}s" || echo "JVM died, rc $rc")
        record "FAIL ${last#START }  ($why)"
        log "$f #$k: $why"
      fi
    fi
    from=$(next_index "$f")
    case $rc in
      0|1) break ;;
      2) log "$f: no device ($(grep -m1 'not run' "$dir/cross-backend/$f.log"))"; break ;;
      3) log "$f: CUDA context lost, resuming at case $from in a fresh JVM" ;;
      *) log "$f: rc $rc, resuming at case $from in a fresh JVM" ;;
    esac
    [ "$from" -lt "$plan" ] || break
  done
  plan=$(grep -m1 -E "^PLAN $f " "$summary" | awk '{print $3}')
  if [ -n "$plan" ]; then
    from=$(next_index "$f")
    for ((k = from; k < plan; k++)); do record "FAIL $f #$k (not run)"; done
  elif ! grep -qE "^FAIL $f #" "$summary"; then
    record "FAIL $f #0 (family not run: no time left before the deadline)"
  fi
  log "$f: $(grep -cE "^PASS $f #" "$summary") passed, $(grep -cE "^FAIL $f #" "$summary") failed, $(grep -cE "^SKIP $f #" "$summary") skipped"
done

# --- 2. FCOS step check (hook) --------------------------------------------------------------------
fcos_class=${FCOS_CHECK_CLASS:-org.cassl.bench.gpu.FcosStepCheck}
t=$(limit "${FCOS_TIMEOUT_S:-240}")
if [ "$t" -le 5 ]; then
  record "FAIL fcos-step (no time left before the deadline)"
else
  log "FCOS step check: $fcos_class (timeout ${t}s)"
  timeout -k 10 "$t" "$java" "${jvm[@]}" -cp "$cp" "$fcos_class" "$dir" "${emu[@]}" > "$dir/fcos-step.log" 2>&1
  rc=$?
  if grep -qE "(Could not find or load main class|ClassNotFoundException).*$fcos_class" "$dir/fcos-step.log"; then
    record "SKIP fcos-step ($fcos_class is not in the jars yet: hook for the whole-model FCOS check)"
  elif [ $rc -eq 0 ]; then
    record "PASS fcos-step ($fcos_class) $(tail -1 "$dir/fcos-step.log")"
  else
    record "FAIL fcos-step ($fcos_class, rc $rc$([ $rc -eq 124 ] && echo ', timed out')) $(tail -1 "$dir/fcos-step.log")"
  fi
  log "$(tail -1 "$summary")"
fi

# --- 3. timings ----------------------------------------------------------------------------------
if [ $emulate = 1 ]; then
  log "timings skipped (emulated)"
else
  # one JVM / python process per group, each under its own timeout, results appended as each ends
  : > "$dir/cassl-bench.jsonl"; : > "$dir/torch-bench.jsonl"
  have_torch=0
  command -v python3 >/dev/null && timeout 60 python3 -c 'import torch, torchvision; assert torch.cuda.is_available()' \
    >/dev/null 2>&1 && have_torch=1
  [ $have_torch = 1 ] || log "PyTorch CUDA peer unavailable: cassl timings only"
  for g in gemm conv nms fcos_assign fcos_step; do
    case $g in fcos_step) gt=${STEP_TIMEOUT_S:-180} ;; *) gt=${BENCH_TIMEOUT_S:-90} ;; esac
    t=$(limit "$gt")
    if [ "$t" -le 20 ]; then log "timings $g skipped: no time left before the deadline"; continue; fi
    log "cassl timings $g (timeout ${t}s)"
    timeout -k 10 "$t" "$java" "${jvm[@]}" -Dcassl.cuda.sync=false -cp "$cp" org.cassl.bench.gpu.GpuBench "$dir" \
      ${QUICK:+quick} --only "$g" >> "$dir/cassl-bench.log" 2>&1 || log "GpuBench $g rc $?"
    t=$(limit "$gt")
    if [ $have_torch = 1 ] && [ "$t" -gt 20 ]; then
      log "PyTorch peer $g (timeout ${t}s)"
      timeout -k 10 "$t" python3 bench/gpu/torch_peer.py "$dir" ${QUICK:+quick} --only "$g" >> "$dir/torch-bench.log" 2>&1 \
        || log "torch peer $g rc $?"
    fi
  done
  if [ "$(left)" -gt 5 ]; then
    timeout 30 python3 - "$dir" <<'PY' 2>&1 | tee -a "$dir/gpu-check.log"
import json, os, sys
d = sys.argv[1]
def load(name):
    rows, p = {}, os.path.join(d, name)
    if os.path.exists(p):
        for line in open(p):
            line = line.strip()
            if line:
                try:
                    r = json.loads(line); rows[r["name"]] = r
                except ValueError:
                    pass
    return rows
ours, torch = load("cassl-bench.jsonl"), load("torch-bench.jsonl")
print("%-22s %-40s %12s %12s %10s" % ("benchmark", "shape", "cassl ms", "torch ms", "torch/cassl"))
for name in ["gemm_f32", "gemm_tf32", "conv3x3_fcos_head", "conv3x3_fcos_head_bwd", "nms_10k", "nms_100k",
             "fcos_assign", "fcos_r50_step"]:
    o, t = ours.get(name), torch.get(name)
    shape = (o or t or {}).get("shape", "")
    om = o["median_ms"] if o else float("nan")
    tm = t["median_ms"] if t else float("nan")
    print("%-22s %-40s %12.3f %12.3f %10.2f" % (name, shape[:40], om, tm, tm / om if o and t else float("nan")))
PY
  else
    log "timings skipped: no time left before the deadline"
  fi
fi

# --- result ----------------------------------------------------------------------------------------
pass=$(grep -c '^PASS ' "$summary")
fail=$(grep -c '^FAIL ' "$summary")
skip=$(grep -c '^SKIP ' "$summary")
grep -E '^(FAIL|SKIP) ' "$summary" | tee -a "$dir/gpu-check.log"
log "done: $skip skipped (not counted); summary in $summary"
echo "$pass passed, $fail failed" | tee -a "$dir/gpu-check.log"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
