#!/usr/bin/env bash
# Runs one of Tether's samples against a real Node socket.io 4.8.4 demo server (samples/demo-server)
# that the sample starts itself, and stops it at the end.
#
#   ./run-sample.sh                      # the news/reply demo: answer 3 news, leave (the main job)
#   ./run-sample.sh news --count 5       # answer 5 news
#   ./run-sample.sh <sample> [options]   # another sample; --help shows each one's options
#
# Samples: news, rx-news, chat, rx-chat, bot, load (see the README's "Samples" section).
# Every sample takes --url <url> to use a server you started yourself instead, e.g.
#   (cd samples/demo-server && npm ci && node chat-server.js 3000)
#
# Needs a JDK 17+, Node.js 18+ and npm. One Maven invocation builds the modules the sample needs
# (-am) and runs it in the same reactor (exec:java runs only in samples: the root pom sets
# exec.skip=true elsewhere), so nothing has to be installed in ~/.m2 first. The first run also
# runs `npm ci` for the test server (Maven) and for the demo server (DemoServer).
set -euo pipefail

cd "$(dirname "$0")"

for tool in java node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-sample.sh: '$tool' is not on the PATH; the sample needs a JDK 17+, Node.js 18+ and npm." >&2
    exit 1
  fi
done

sample=dev.tether.samples.news.NewsSample
case "${1:-}" in
  news) sample=dev.tether.samples.news.NewsSample; shift ;;
  rx-news) sample=dev.tether.samples.news.RxNewsSample; shift ;;
  chat) sample=dev.tether.samples.chat.ChatSample; shift ;;
  rx-chat) sample=dev.tether.samples.chat.RxChatSample; shift ;;
  bot) sample=dev.tether.samples.bot.CommandBot; shift ;;
  load) sample=dev.tether.samples.load.LoadBot; shift ;;
  -*|"") ;;
  *)
    echo "run-sample.sh: unknown sample '$1'; one of: news, rx-news, chat, rx-chat, bot, load" >&2
    exit 2
    ;;
esac

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
  "-Dsample=${sample}" \
  "-Dsample.args=${sample_args# }"
