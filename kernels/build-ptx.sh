#!/usr/bin/env bash
# Compiles every src/main/cuda/*.cu to PTX for the jar, or copies the committed prebuilt PTX when
# nvcc is absent. Called by Maven (kernels/pom.xml, generate-resources); usable by hand:
#   kernels/build-ptx.sh OUT_DIR            build (incremental) into OUT_DIR
#   kernels/build-ptx.sh --update-prebuilt  rebuild src/main/ptx-prebuilt from the sources
# Files named *_sm80.cu use tensor-core instructions and are compiled for compute_80; the rest for
# compute_75 (the oldest architecture nvcc 13 targets). No -lineinfo: it would put absolute paths
# into the PTX and make the prebuilt copy differ between checkouts.
# Environment: NVCC (path to nvcc), CASSL_PTX=prebuilt (force the prebuilt copy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/src/main/cuda"
prebuilt="$here/src/main/ptx-prebuilt"

find_nvcc() {
  if [ -n "${NVCC:-}" ] && [ -x "$NVCC" ]; then echo "$NVCC"; return; fi
  if [ -x /usr/local/cuda/bin/nvcc ]; then echo /usr/local/cuda/bin/nvcc; return; fi
  command -v nvcc 2>/dev/null || true
}

# Hash of the CUDA sources (names and contents, sorted by name); PrebuiltPtxTest recomputes it to
# catch a prebuilt copy that is older than the sources.
sources_hash() {
  (cd "$src" && for f in $(ls *.cu *.cuh | LC_ALL=C sort); do echo "$f"; cat "$f"; done) | sha256sum | cut -d' ' -f1
}

arch_of() {
  case "$1" in *_sm80.cu) echo compute_80 ;; *) echo compute_75 ;; esac
}

compile_all() {  # $1 = out dir, $2 = nvcc, $3 = force (1) or incremental (0)
  local out=$1 nvcc=$2 force=$3 n=0
  mkdir -p "$out"
  for cu in "$src"/*.cu; do
    local name ptx
    name=$(basename "$cu" .cu)
    ptx="$out/$name.ptx"
    if [ "$force" = 0 ] && [ -f "$ptx" ] && [ "$ptx" -nt "$cu" ] && [ "$ptx" -nt "$src/common.cuh" ] \
        && [ "$ptx" -nt "$0" ]; then
      continue
    fi
    "$nvcc" -ptx -std=c++17 -arch="$(arch_of "$cu")" -o "$ptx.tmp" "$cu"
    mv "$ptx.tmp" "$ptx"
    n=$((n + 1))
  done
  # remove PTX whose source is gone
  for ptx in "$out"/*.ptx; do
    [ -e "$ptx" ] || continue
    [ -f "$src/$(basename "$ptx" .ptx).cu" ] || rm -f "$ptx"
  done
  echo "$n"
}

if [ "${1:-}" = "--update-prebuilt" ]; then
  nvcc=$(find_nvcc)
  [ -n "$nvcc" ] || { echo "nvcc not found: cannot update the prebuilt PTX" >&2; exit 1; }
  rm -f "$prebuilt"/*.ptx
  compile_all "$prebuilt" "$nvcc" 1 >/dev/null
  commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
  {
    echo "generated=$(date -u +%Y-%m-%d)"
    echo "base_commit=$commit"
    echo "nvcc=$("$nvcc" --version | tail -1)"
    echo "sources_sha256=$(sources_hash)"
  } > "$prebuilt/PREBUILT.properties"
  echo "prebuilt PTX updated in $prebuilt ($(ls "$prebuilt"/*.ptx | wc -l) files)"
  exit 0
fi

out=${1:?usage: build-ptx.sh OUT_DIR | --update-prebuilt}
mkdir -p "$out"
nvcc=""
[ "${CASSL_PTX:-}" = prebuilt ] || nvcc=$(find_nvcc)
if [ -n "$nvcc" ]; then
  force=1
  grep -qx 'source=nvcc' "$out/PTX_SOURCE.properties" 2>/dev/null && force=0
  n=$(compile_all "$out" "$nvcc" "$force")
  echo "cassl kernels: $n of $(ls "$src"/*.cu | wc -l) CUDA files compiled to PTX with $nvcc" 
  echo "source=nvcc" > "$out/PTX_SOURCE.properties"
else
  stamp=$(grep -E '^(generated|base_commit)=' "$prebuilt/PREBUILT.properties" 2>/dev/null | tr '\n' ' ')
  echo "[WARNING] nvcc not found, using prebuilt PTX from ${stamp:-an unknown build} (kernels/src/main/ptx-prebuilt)" >&2
  rm -f "$out"/*.ptx
  cp "$prebuilt"/*.ptx "$out"/
  { echo "source=prebuilt"; cat "$prebuilt/PREBUILT.properties"; } > "$out/PTX_SOURCE.properties"
fi
