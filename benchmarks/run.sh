#!/usr/bin/env bash
# Runs Tether's benchmarks and prints one Markdown table: Tether, the floor (raw OkHttp speaking
# Engine.IO/Socket.IO by hand, Gson per event), the peer (io.socket:socket.io-client 2.1.2, on the
# same OkHttp as Tether, 5.5.1) and the JavaScript client (socket.io-client 4.8.4 on Node,
# benchmarks/js-client), with the ratios Tether/floor, Tether/peer and Tether/JS per row.
#
#   ./benchmarks/run.sh                # everything: about 45 minutes on 2 cores
#   ./benchmarks/run.sh --pinned       # the same, server and clients on separate cores (the targets' mode)
#   ./benchmarks/run.sh --quick        # small counts, one round: a sanity run of a few minutes
#   ./benchmarks/run.sh --help         # all options
#
# Steps (results in benchmarks/target/results/<date>/):
#   1. build benchmarks/target/benchmarks.jar (./mvnw -pl benchmarks -am package)
#   2. JMH codec microbenchmarks with the GC profiler (time and bytes allocated per operation)
#   3. end-to-end scenarios against one real Node socket.io 4.8.4 server: connect, echo, ack,
#      polling, binary, burst, slow listener; each Java client in turn in one JVM (same flags),
#      alternating, the JavaScript client in a Node process per run started from that JVM
#   4. the many-clients scenario (1k, 5k, 10k WebSockets), one JVM per client: on $JAVA (17) and
#      again on a JDK 21+ (virtual threads) if one is found ($JAVA_NEXT or /usr/lib/jvm/*)
#   5. the report: table.md
#
# Needs a JDK 17+, Node.js 18+ and npm (the build runs `npm ci` for the test server and the
# JavaScript client if needed).
# Run it on a quiet machine: the clients and the server share the cores, and other load shows up
# as noise in every row.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

usage() {
  cat <<'EOF'
usage: benchmarks/run.sh [--quick] [--pinned] [--no-build] [--skip-jmh] [--skip-e2e] [--skip-many]
                         [--scenarios LIST] [--jfr]
  --quick           small counts and one round (minutes instead of ~45): a sanity run
  --pinned          with taskset and 2+ cores: the Node server on core 0, every client JVM (and the
                    JavaScript client's Node, its child) on cores 1..n-1, and the echo row with
                    1,000 events in flight instead of 64; the targets against the floor are for
                    this mode. Without taskset or with 1 core: a warning, and an unpinned run
  --no-build        use the existing benchmarks/target/benchmarks.jar
  --skip-jmh        no codec microbenchmarks
  --skip-e2e        no end-to-end scenarios (connect, echo, ack, polling, binary, burst, slow-listener)
  --skip-many       no many-clients scenario
  --scenarios LIST  only these e2e scenarios: connect,connect-ws,echo,ack,polling,binary,burst,slow-listener
  --jfr             record a JFR profile of the e2e JVM (e2e.jfr; `jfr print` or JDK Mission Control)
environment:
  JAVA        the java to run with (default: java on the PATH)
  JAVA_NEXT   a JDK 21+ java for the second many-clients run (default: the newest in /usr/lib/jvm)
EOF
}

quick=false pinned=false build=true jmh=true e2e=true many=true jfr=false
scenarios=connect,connect-ws,echo,ack,polling,binary,burst,slow-listener
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=true ;;
    --pinned) pinned=true ;;
    --no-build) build=false ;;
    --skip-jmh) jmh=false ;;
    --skip-e2e) e2e=false ;;
    --skip-many) many=false ;;
    --scenarios) scenarios=${2:?--scenarios needs a list}; shift ;;
    --jfr) jfr=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

java=${JAVA:-java}
for tool in "$java" node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run.sh: '$tool' not found; the benchmarks need a JDK 17+ and Node.js 18+." >&2
    exit 1
  fi
done

# The feature version of a java executable (17, 21, 25, ...).
java_version() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

# A JDK 21+ for the virtual-thread run of the many-clients scenario, unless $java is one already.
find_next_java() {
  if [[ -n "${JAVA_NEXT:-}" ]]; then echo "$JAVA_NEXT"; return; fi
  local best="" best_version=0 candidate version
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    version=$(java_version "$candidate")
    if [[ "$version" -ge 21 && "$version" -gt "$best_version" ]]; then
      best=$candidate best_version=$version
    fi
  done
  echo "$best"
}

jar=benchmarks/target/benchmarks.jar
if $build; then
  echo "Building $jar ..." >&2
  ./mvnw -q -pl benchmarks -am package -DskipTests
fi
[[ -f "$jar" ]] || { echo "run.sh: $jar is missing; run without --no-build" >&2; exit 1; }

out=benchmarks/target/results/$(date +%Y%m%d-%H%M%S)$($quick && echo -quick || true)
mkdir -p "$out"
size_flag=$($quick && echo --quick || true)
results=()

# One JVM configuration for every end-to-end run and every client in it.
e2e_flags=(-Xms1g -Xmx2g -XX:+UseG1GC "-Dtether.testServerDir=$root/test-server/node"
  "-Dtether.jsClientDir=$root/benchmarks/js-client")

# --pinned: client JVMs on cores 1..n-1 (client_cpu), the server moved to core 0 by the harness.
client_cpu=()
pin_options=()
if $pinned; then
  cores=$(nproc)
  if command -v taskset >/dev/null 2>&1 && [[ "$cores" -ge 2 ]]; then
    client_cpus=$([[ "$cores" -eq 2 ]] && echo 1 || echo "1-$((cores - 1))")
    client_cpu=(taskset -c "$client_cpus")
    pin_options=(--server-cpus 0 --echo-window 1000)
    echo "Pinned: server on core 0, clients on cores $client_cpus; echo window 1000" >&2
  else
    echo "run.sh: --pinned needs taskset and 2+ cores ($cores here): running unpinned" >&2
  fi
fi

if $jmh; then
  echo "JMH codec microbenchmarks (log: $out/jmh.log) ..." >&2
  jmh_flags=()
  $quick && jmh_flags=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
  "$java" -jar "$jar" jmh "${jmh_flags[@]}" -prof gc -rf json -rff "$out/jmh.json" 'dev.tether.bench.micro.' \
    >"$out/jmh.log" 2>&1
  results+=("$out/jmh.json")
fi

if $e2e; then
  echo "End-to-end scenarios (log: $out/e2e.log) ..." >&2
  flags=("${e2e_flags[@]}")
  $jfr && flags+=("-XX:StartFlightRecording=filename=$out/e2e.jfr,settings=profile")
  "${client_cpu[@]}" "$java" "${flags[@]}" -jar "$jar" e2e $size_flag --scenarios "$scenarios" \
    "${pin_options[@]}" --out "$out/e2e.json" \
    2> >(tee "$out/e2e.log" >&2)
  results+=("$out/e2e.json")
fi

if $many; then
  # Node serves every connection on one thread: pings every 2 minutes instead of 25 s, so that
  # 10,000 heartbeats do not dominate what is measured.
  server_options='{"pingInterval":120000,"pingTimeout":60000}'
  javas=("$java")
  next=$(find_next_java)
  if [[ -n "$next" && "$(java_version "$next")" != "$(java_version "$java")" ]]; then
    javas+=("$next")
  elif [[ "$(java_version "$java")" -lt 21 ]]; then
    echo "run.sh: no JDK 21+ found (set JAVA_NEXT): the many-clients scenario runs on Java $(java_version "$java") only" >&2
  fi
  # One JVM per client: the platform threads and heap of a JVM with N connections are that
  # client's alone (OkHttp's shared TaskRunner keeps the idle threads of a previous client for 60 s).
  for run_java in "${javas[@]}"; do
    version=$(java_version "$run_java")
    for client in tether floor peer; do
      name=many-java$version-$client
      echo "Many clients on Java $version, $client (log: $out/$name.log) ..." >&2
      "${client_cpu[@]}" "$run_java" "${e2e_flags[@]}" -jar "$jar" e2e $size_flag --scenarios many \
        --clients "$client" "${pin_options[@]}" --server-options "$server_options" --out "$out/$name.json" \
        2> >(tee "$out/$name.log" >&2)
      results+=("$out/$name.json")
    done
  done
fi

if [[ ${#results[@]} -eq 0 ]]; then
  echo "run.sh: nothing was run" >&2
  exit 2
fi
"$java" -jar "$jar" report "${results[@]}" >"$out/table.md"
echo >&2
echo "Results: $out (table.md, JSON, logs)" >&2
echo >&2
cat "$out/table.md"
