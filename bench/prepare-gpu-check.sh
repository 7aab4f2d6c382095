#!/usr/bin/env bash
# Run HERE (the build machine) before the GPU run; fills .device/ (ignored by git), which travels
# with the checkout to the GPU machine, and checks checkout + .device against its 64 MiB limit:
#   .device/lib/cassl-*.jar             every module's jar, and the test jars of tensor, kernels (the
#                                       cross-backend suite, CrossBackendMain), detection and bench
#   .device/lib/jcuda*.jar              JCuda 12.6.0 and its linux-x86_64 natives (PTX compiler incl.)
#   .device/lib/jackson-*.jar           Jackson (model configs are JSON)
#   .device/lib/cassl-cubins.jar        ready cubins of every kernel for sm_80 and sm_90 (CubinBundle,
#                                       assembled here by the PTX compiler in JCuda's natives)
#   .device/jre                         a jlinked Java 17 runtime (../shared/gpu/make-jre.sh --no-desktop)
# usage: bench/prepare-gpu-check.sh [--no-build]      then: bench/gpu-check.sh [DIR] there
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
limit=$((64 * 1024 * 1024))
mvnflags=(-q -B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package -pl bench -am)

if [ "${1:-}" != "--no-build" ]; then
  echo "building the jars (mvn ${mvnflags[*]})"
  mvn -o "${mvnflags[@]}" || mvn "${mvnflags[@]}"
fi
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
lib=.device/lib
rm -rf "$lib"
mkdir -p "$lib"
# every module's jar and the test jars that hold checks (not bench's shaded jar: its plotting and
# PDF dependencies would take 11 MiB of the 64), plus JCuda and its natives
for m in tensor autograd nn detection training kernels bench; do
  [ -f "$m/target/cassl-$m-$version.jar" ] && cp "$m/target/cassl-$m-$version.jar" "$lib/"
done
for m in tensor kernels detection bench; do
  [ -f "$m/target/cassl-$m-$version-tests.jar" ] && cp "$m/target/cassl-$m-$version-tests.jar" "$lib/"
done
jcuda=$(sed -n 's:.*<jcuda.version>\(.*\)</jcuda.version>.*:\1:p' pom.xml)
m2=${M2_REPO:-$HOME/.m2/repository}
for a in jcuda jcublas; do
  cp "$m2/org/jcuda/$a/$jcuda/$a-$jcuda.jar" "$m2/org/jcuda/$a-natives/$jcuda/$a-natives-$jcuda-linux-x86_64.jar" "$lib/"
done
# Jackson: model configs are JSON (FcosStepCheck, GpuBench's FCOS step)
jackson=$(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' pom.xml)
for a in jackson-core jackson-databind jackson-annotations; do
  cp "$m2/com/fasterxml/jackson/core/$a/$jackson/$a-$jackson.jar" "$lib/"
done

# Java runtime. make-jre.sh stops inside a git worktree on some setups (.git is a file there), so it
# runs on a copy of itself in a throwaway git repository and the result is moved here.
if [ ! -x .device/jre/bin/java ] || ! .device/jre/bin/java -version >/dev/null 2>&1; then
  rm -rf .device/jre
  for s in "${CASSL_SHARED:-}" "$root/../shared" /work/shared; do
    if [ -n "$s" ] && [ -f "$s/gpu/make-jre.sh" ]; then
      tmp=$(mktemp -d)
      (cd "$tmp" && git init -q . && bash "$s/gpu/make-jre.sh" --no-desktop) >/dev/null 2>&1 \
        && [ -x "$tmp/.device/jre/bin/java" ] && mv "$tmp/.device/jre" .device/jre && echo "JRE from $s/gpu/make-jre.sh"
      rm -rf "$tmp"
      break
    fi
  done
fi
if [ ! -x .device/jre/bin/java ]; then  # the same jlink call as make-jre.sh --no-desktop
  jlink --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector,java.management \
        --strip-debug --no-man-pages --no-header-files --compress=2 --output .device/jre 2>&1 | grep -v incubator || true
  echo "JRE from jlink directly"
fi
.device/jre/bin/java -version 2>&1 | head -1
java=.device/jre/bin/java
"$java" --add-modules=jdk.incubator.vector -cp "$lib/*" org.cassl.kernels.crosscheck.CrossBackendMain --list-families \
  >/dev/null 2>&1 || { echo "the runtime in .device/jre cannot run the suite from .device/lib" >&2; exit 1; }

echo "assembling cubins for sm_80, sm_90"
"$java" --add-modules=jdk.incubator.vector -cp "$lib/*" org.cassl.kernels.runtime.CubinBundle \
  "$lib/cassl-cubins.jar" sm_80,sm_90 | tail -1

tree=$(git ls-files -z -co --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
device=$(du -sb .device | cut -f1)
total=$((tree + device))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "checkout $(mib "$tree") + .device $(mib "$device") (jre $(mib "$(du -sb .device/jre | cut -f1)"), lib $(mib "$(du -sb "$lib" | cut -f1)")) = $(mib "$total") of 64 MiB"
ls -l "$lib" | awk 'NR > 1 {printf "  %-40s %s\n", $9, $5}'
if [ "$total" -ge "$limit" ]; then
  echo "too large for the GPU machine" >&2
  exit 1
fi
echo "ready: carry .device; on the GPU machine run  bench/gpu-check.sh  (or here: bench/gpu-check.sh --emulate)"
