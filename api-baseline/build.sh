#!/usr/bin/env bash
# Builds the jars of the API baseline (the release named in baseline.properties) from its commit,
# into target/api-baseline/<version>/, and checks they are byte for byte the jars recorded there:
# builds are reproducible, so the same commit must give the same bytes. japicmp then compares each
# build's jars with them (see RELEASING.md, "Moving the API baseline").
#
#   api-baseline/build.sh            build (once; later runs reuse the jars) and check
#   api-baseline/build.sh --record   build and write the jars' sha256 into baseline.properties
#
# Run by the root pom at `validate`; -Dtether.api.skip=true skips it and the check.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
properties="$here/baseline.properties"
prop() { sed -n "s/^$1=//p" "$properties"; }

version="$(prop version)"
commit="$(prop commit)"
out="$root/target/api-baseline/$version"
# module directory : artifactId
modules=(client-core:client-core client-android:client-android jmeter:tether-jmeter)

matches() {
  for module in "${modules[@]}"; do
    local artifact="${module#*:}" jar="$out/${module#*:}-$version.jar"
    [ -f "$jar" ] || return 1
    [ "$(sha256sum "$jar" | cut -d' ' -f1)" = "$(prop "$artifact.sha256")" ] || return 1
  done
}

mkdir -p "$root/target"
exec 9>"$root/target/api-baseline.lock"
flock 9
if [ "${1:-}" != "--record" ] && matches; then exit 0; fi

if ! git -C "$root" cat-file -e "$commit^{commit}" 2>/dev/null; then
  echo "api-baseline: commit $commit (Tether $version) is not in this clone; fetch the full history" \
       "(git fetch --unshallow) or skip the API check with -Dtether.api.skip=true" >&2
  exit 1
fi

src="$root/target/api-baseline/src-$version"
rm -rf "$src" "$out"
mkdir -p "$src" "$out"
echo "api-baseline: building Tether $version from $commit"
git -C "$root" archive "$commit" | tar -x -C "$src"
# Only the jars: no tests, no docs, no staging, no npm installs (their profiles are switched off).
(cd "$src" && ./mvnw -B -q package -pl "$(IFS=,; for m in "${modules[@]}"; do printf '%s,' "${m%%:*}"; done | sed 's/,$//')" -am \
  -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Dtether.staging.skip=true \
  -Dtether.api.skip=true -P '!install-test-server,!install-test-server-v2,!install-bench-js-client')
for module in "${modules[@]}"; do
  cp "$src/${module%%:*}/target/${module#*:}-$version.jar" "$out/"
done
rm -rf "$src"

if [ "${1:-}" = "--record" ]; then
  for module in "${modules[@]}"; do
    artifact="${module#*:}"
    sum="$(sha256sum "$out/$artifact-$version.jar" | cut -d' ' -f1)"
    sed -i "/^$artifact.sha256=/d" "$properties"
    echo "$artifact.sha256=$sum" >> "$properties"
  done
  echo "api-baseline: recorded the sha256 of Tether $version's jars in $properties"
elif ! matches; then
  echo "api-baseline: the jars built from $commit differ from the ones recorded in $properties:" \
       "the build is not reproducible (a plugin or JDK that writes other bytes?)" >&2
  sha256sum "$out"/*.jar >&2
  exit 1
fi
