#!/usr/bin/env bash
# Runs one of Tether's samples against a real Node socket.io 4.8.4 demo server (samples/demo-server)
# that the sample starts itself, and stops it at the end.
#
#   ./run-sample.sh                      # the news/reply demo: answer 3 news, leave (the main job);
#                                        # shows each news, each reply and the server's lines
#                                        # ("server: ...")
#   ./run-sample.sh news --count 5       # answer 5 news
#   ./run-sample.sh news --dialect socket.io-2   # the same against a socket.io 2.x demo server
#                                        # (samples/demo-server-v2, Dialect.SOCKET_IO_2)
#   ./run-sample.sh <sample> [options]   # another sample; --help shows each one's options
#
# Samples: news, rx-news, chat, rx-chat, bot, load, ws, ws-envelope (see the README's "Samples" section).
# Every sample takes --url <url> to use a server you started yourself instead, e.g.
#   (cd samples/demo-server && npm ci && node chat-server.js 3000)
#
# Every sample has --help (picocli), and gets its arguments exactly as given here: quotes, spaces
# and empty arguments included. Relative paths are relative to the repository's root.
#
# Needs a JDK 17+, Node.js 18+ and npm. Maven builds the modules the sample needs (-am), so nothing
# has to be installed in ~/.m2 first, and writes the sample's runtime class path to
# samples/target/runtime-classpath.txt; then java runs it. The first run also runs `npm ci` for the
# test server (Maven) and for the demo server (DemoServer).
set -euo pipefail

cd "$(dirname "$0")"
root=$(pwd)

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
  ws) sample=dev.tether.samples.ws.WsTextSample; shift ;;
  ws-envelope) sample=dev.tether.samples.ws.WsEnvelopeSample; shift ;;
  -*|"") ;;
  *)
    echo "run-sample.sh: unknown sample '$1'; one of: news, rx-news, chat, rx-chat, bot, load, ws, ws-envelope" >&2
    exit 2
    ;;
esac

echo "Building the sample (the first run downloads dependencies and takes longer)..." >&2
# Only what the sample needs: no API baseline build, no docs jars.
./mvnw -q -pl samples -am package -DskipTests -Dtether.api.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true

# java, not Maven's exec:java: "$@" reaches main() as it is, never re-split from a string. The
# same JDK as Maven's (JAVA_HOME, else the PATH); the properties are the ones exec:java sets.
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" \
  -cp "samples/target/classes:$(cat samples/target/runtime-classpath.txt)" \
  "-Dtether.testServerDir=$root/test-server/node" \
  "-Dtether.demoServerDir=$root/samples/demo-server" \
  "$sample" "$@"
