#!/usr/bin/env bash
# Run HERE (the build machine) before handing the checkout to the GPU machine: builds the jars,
# copies what bench/gpu-check.sh needs into .device/lib, makes sure a Java runtime is in
# .device/jre (../shared/gpu/make-jre.sh --no-desktop) and checks that the checkout plus .device
# stays under the 64 MiB the GPU machine accepts.
#   bench/prepare-gpu-check.sh [--no-build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
limit=$((64 * 1024 * 1024))

if [ "${1:-}" != "--no-build" ]; then
  mvn -o -q -DskipTests package -pl bench -am
fi

version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
jcuda=$(sed -n 's:.*<jcuda.version>\(.*\)</jcuda.version>.*:\1:p' pom.xml)
m2=${M2_REPO:-$HOME/.m2/repository}
lib=.device/lib
rm -rf "$lib"
mkdir -p "$lib"
cp "tensor/target/cassl-tensor-$version.jar" \
   "kernels/target/cassl-kernels-$version.jar" \
   "kernels/target/cassl-kernels-$version-tests.jar" \
   "bench/target/cassl-bench-$version.jar" "$lib/"
for a in jcuda jcublas; do
  cp "$m2/org/jcuda/$a/$jcuda/$a-$jcuda.jar" "$lib/"
  cp "$m2/org/jcuda/$a-natives/$jcuda/$a-natives-$jcuda-linux-x86_64.jar" "$lib/"
done

if [ ! -x .device/jre/bin/java ]; then
  for s in "${CASSL_SHARED:-}" "$root/../shared" /work/shared; do
    if [ -n "$s" ] && [ -x "$s/gpu/make-jre.sh" ]; then
      "$s/gpu/make-jre.sh" --no-desktop || true
      break
    fi
  done
fi
if [ ! -x .device/jre/bin/java ]; then
  # make-jre.sh stops early in a git worktree (.git is a file there); same jlink call
  rm -rf .device/jre
  jlink --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector,java.management \
        --strip-debug --no-man-pages --no-header-files --compress=2 --output .device/jre 2>&1 | grep -v incubator || true
fi
[ -x .device/jre/bin/java ] || { echo "no .device/jre: run ../shared/gpu/make-jre.sh --no-desktop" >&2; exit 1; }
.device/jre/bin/java --add-modules=jdk.incubator.vector -cp "$lib/*" org.cassl.kernels.CudaInfoMain >/dev/null 2>&1 \
  || { echo "the runtime in .device/jre cannot run the kernels jar" >&2; exit 1; }

tree=$(git ls-files -z -co --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
device=$(du -sb .device | cut -f1)
total=$((tree + device))
printf 'checkout %.1f MiB + .device %.1f MiB (jre %s, lib %s) = %.1f MiB of 64 MiB\n' \
  "$(echo "$tree / 1048576" | bc -l)" "$(echo "$device / 1048576" | bc -l)" \
  "$(du -sh .device/jre | cut -f1)" "$(du -sh "$lib" | cut -f1)" "$(echo "$total / 1048576" | bc -l)"
if [ "$total" -ge "$limit" ]; then
  echo "too large for the GPU machine" >&2
  exit 1
fi
echo "ready: on the GPU machine run  bench/gpu-check.sh DIR   (carry .device)"
