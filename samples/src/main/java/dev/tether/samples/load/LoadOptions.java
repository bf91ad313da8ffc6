package dev.tether.samples.load;

import dev.tether.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The load bot's command line. Immutable. */
record LoadOptions(
    String url,
    int users,
    double ramp,
    DurationRange think,
    long seed,
    Scenario scenario,
    String namespace,
    List<Transport> transports,
    Duration connectTimeout,
    Duration ackTimeout,
    Duration awaitTimeout,
    Duration duration,
    boolean json,
    boolean progress,
    boolean help) {

  static final String USAGE = """
      Usage: LoadBot [options]
      Runs virtual users against a Socket.IO server, all on one Tether, and reports connect and ack
      latency (p50/p95/p99/max), messages per second and errors by kind.

      Options:
        --url <url>               the server, e.g. http://localhost:3000 (default: start the chat demo
                                  server, samples/demo-server/chat-server.js, and stop it at the end)
        --users <n>               virtual users (default 100)
        --ramp <n>                users started per second (default 50; 0 = all at once)
        --think <time>            the pause of a 'think' step without its own time: 200ms, 1.5s, or a
                                  range 100ms..500ms picked uniformly per step (default 100ms..500ms)
        --seed <n>                seed of the think times, per user (default 1)
        --scenario <steps>        the scenario, steps separated by ';' (default: the chat scenario below)
        --scenario-file <path>    read the scenario from a file, one step per line, # for comments
        --namespace <ns>          the namespace of a 'connect' step that names none (default /)
        --transports <t>          websocket (default), polling, or upgrade (polling, then WebSocket)
        --connect-timeout <time>  for the handshake and the namespace CONNECT (default 10s)
        --ack-timeout <time>      for each 'ack' step (default 10s)
        --await-timeout <time>    for an 'await' step without its own (default 10s)
        --duration <time>         stop the users still running after this long (default: no limit)
        --report text|json        the report's format on stdout (default text)
        --no-progress             no progress line on stderr (default: one a second)
        --help                    this text

      Scenario steps (arguments are strict JSON; placeholders ${vu}, ${vu%%N}, ${vu/N}, ${iteration}):
        connect [namespace] [auth=<json object>]     join a namespace on a new connection
        emit <event> [args...]                       send an event
        ack <event> [args...] [expect <path>=<json>] send it, wait for the ack (latency recorded);
                                                     expect checks a field of the ack's first argument
        await <event> [timeout]                      wait for the next such event not awaited yet
        think [time | min..max]                      pause
        sync [timeout]                               wait until every user still running gets here
        repeat <n> ... end                           the steps in between, n times
        disconnect                                   leave (also implied at the end)
      A user stops at its first error (it fails); the others go on.

      Default scenario, for the chat demo server: rooms of 10 users (vu 0-9, 10-19, ...) send 5
      messages each and await 5 of the others' (so a user alone in a room, like the 101st, fails):
        %s
      A commented scenario file: samples/scenarios/chat-rooms.scenario (run-sample.sh resolves
      relative paths from the repository's root).

      Exit code: 0 when no user failed, 1 when some did, 2 for a usage or scenario error.
      """.formatted(Scenario.DEFAULT.replace("; ", ";\n    "));

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException with a message for the user
   */
  static LoadOptions parse(String... args) {
    String url = null;
    int users = 100;
    double ramp = 50;
    DurationRange think = DurationRange.parse("100ms..500ms");
    long seed = 1;
    Scenario scenario = null;
    String namespace = "/";
    List<Transport> transports = List.of(Transport.WEBSOCKET);
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration ackTimeout = Duration.ofSeconds(10);
    Duration awaitTimeout = Duration.ofSeconds(10);
    Duration duration = null;
    boolean json = false;
    boolean progress = true;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        return new LoadOptions(null, 0, 0, think, 0, null, namespace, transports, connectTimeout, ackTimeout,
            awaitTimeout, null, false, false, true);
      }
      if (option.equals("--no-progress")) {
        progress = false;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value"
            : "unknown argument: " + option);
      }
      String value = args[++i];
      try {
        switch (option) {
          case "--url" -> url = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
          case "--users" -> users = (int) number(value, 1, 1_000_000);
          case "--ramp" -> ramp = Double.parseDouble(value);
          case "--think" -> think = DurationRange.parse(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--scenario" -> scenario = Scenario.parseSteps(value);
          case "--scenario-file" -> scenario = Scenario.parseFile(read(value));
          case "--namespace" -> namespace = value.startsWith("/") ? value : "/" + value;
          case "--transports" -> transports = transports(value);
          case "--connect-timeout" -> connectTimeout = DurationRange.parseDuration(value);
          case "--ack-timeout" -> ackTimeout = DurationRange.parseDuration(value);
          case "--await-timeout" -> awaitTimeout = DurationRange.parseDuration(value);
          case "--duration" -> duration = DurationRange.parseDuration(value);
          case "--report" -> json = switch (value) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new IllegalArgumentException("text or json, not " + value);
          };
          default -> throw new IllegalArgumentException("unknown option");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " " + value + ": not a number");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((option.equals("--scenario") ? option : option + " " + value)
            + ": " + e.getMessage());
      }
    }
    if (!(ramp >= 0) || Double.isInfinite(ramp)) {
      throw new IllegalArgumentException("--ramp must be 0 or more users per second");
    }
    for (Duration timeout : List.of(connectTimeout, ackTimeout, awaitTimeout)) {
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException("timeouts must be at least 1ms");
      }
    }
    if (scenario == null) {
      scenario = Scenario.parseSteps(Scenario.DEFAULT);
    }
    return new LoadOptions(url, users, ramp, think, seed, scenario, namespace, transports, connectTimeout,
        ackTimeout, awaitTimeout, duration, json, progress, false);
  }

  private static long number(String value, long min, long max) {
    long n = Long.parseLong(value);
    if (n < min || n > max) {
      throw new IllegalArgumentException("must be between " + min + " and " + max);
    }
    return n;
  }

  private static List<Transport> transports(String value) {
    return switch (value) {
      case "websocket" -> List.of(Transport.WEBSOCKET);
      case "polling" -> List.of(Transport.POLLING);
      case "upgrade" -> List.of(Transport.POLLING, Transport.WEBSOCKET);
      default -> throw new IllegalArgumentException("websocket, polling or upgrade, not " + value);
    };
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read it: " + e);
    }
  }
}
