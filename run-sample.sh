#!/usr/bin/env bash
# Runs Tether's news/reply sample: starts the demo socket.io server (samples/demo-server, real Node
# socket.io 4.8.4), connects to it with Tether, answers a few `news` with a `reply`, and exits.
#
#   ./run-sample.sh                      # start the demo server, answer 3 news
#   ./run-sample.sh --count 5            # answer 5 news
#   ./run-sample.sh --url http://127.0.0.1:3000   # use a server you started yourself,
#                                        # e.g. (cd samples/demo-server && node news-server.js 3000)
#
# Needs a JDK 17+, Node.js 18+ and npm. One Maven invocation builds the modules the sample needs
# (-am) and runs it in the same reactor (exec:java runs only in samples: the root pom sets
# exec.skip=true elsewhere), so nothing has to be installed in ~/.m2 first. The first run also
# runs `npm ci` for the test server (Maven) and for the demo server (NewsServer).
set -euo pipefail

cd "$(dirname "$0")"

for tool in java node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-sample.sh: '$tool' is not on the PATH; the sample needs a JDK 17+, Node.js 18+ and npm." >&2
    exit 1
  fi
done

# The arguments travel in -Dsample.args (exec:java's commandlineArgs, see samples/pom.xml; not
# exec.args, which on a fresh clone would also reach the root pom's `npm ci` execution). It is split
# like a shell command line: quote every argument so none is split or lost.
sample_args=""
for arg in "$@"; do
  if [[ "$arg" == *"'"* ]]; then
    sample_args+=" \"$arg\""
  else
    sample_args+=" '$arg'"
  fi
done

echo "Building and starting the sample (the first run downloads dependencies and takes longer)..." >&2
exec ./mvnw -q -pl samples -am package exec:java -DskipTests \
  -Dsample=dev.tether.samples.news.NewsSample \
  "-Dsample.args=${sample_args# }"
