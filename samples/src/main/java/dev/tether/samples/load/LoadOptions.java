package dev.tether.samples.load;

import dev.tether.Transport;
import dev.tether.samples.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The load bot's command line: picocli fills the fields ({@link LoadBot} mixes this in); the rest
 * of the bot reads them through the accessors, never changing them.
 */
final class LoadOptions {

  /**
   * The end of {@code --help}: the scenario language, a format for the default scenario.
   */
  static final String SCENARIO_HELP = """
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
      """;

  static final int MAX_USERS = 1_000_000;

  @Option(names = "--url", paramLabel = "<url>", description = "the server, e.g. http://localhost:3000 "
      + "(default: start the chat demo server, samples/demo-server/chat-server.js, and stop it at the end)")
  private String url;

  @Option(names = "--users", paramLabel = "<n>", defaultValue = "100", converter = Users.class,
      description = "virtual users (default ${DEFAULT-VALUE})")
  private int users;

  @Option(names = "--ramp", paramLabel = "<n>", defaultValue = "50", converter = Ramp.class,
      description = "users started per second (default ${DEFAULT-VALUE}; 0 = all at once)")
  private double ramp;

  @Option(names = "--think", paramLabel = "<time>", defaultValue = "100ms..500ms", converter = Think.class,
      description = "the pause of a 'think' step without its own time: 200ms, 1.5s, or a range "
          + "100ms..500ms picked uniformly per step (default ${DEFAULT-VALUE})")
  private DurationRange think;

  @Option(names = "--seed", paramLabel = "<n>", defaultValue = "1",
      description = "seed of the think times, per user (default ${DEFAULT-VALUE})")
  private long seed;

  @Option(names = "--namespace", paramLabel = "<ns>", defaultValue = "/",
      description = "the namespace of a 'connect' step that names none (default ${DEFAULT-VALUE})")
  private String namespace;

  @Option(names = "--transports", paramLabel = "<t>", defaultValue = "websocket",
      description = "websocket (default), polling, or upgrade (polling, then WebSocket)")
  private Transports transports;

  @Option(names = "--connect-timeout", paramLabel = "<time>", defaultValue = "10s", converter = Timeout.class,
      description = "for the handshake and the namespace CONNECT (default ${DEFAULT-VALUE})")
  private Duration connectTimeout;

  @Option(names = "--ack-timeout", paramLabel = "<time>", defaultValue = "10s", converter = Timeout.class,
      description = "for each 'ack' step (default ${DEFAULT-VALUE})")
  private Duration ackTimeout;

  @Option(names = "--await-timeout", paramLabel = "<time>", defaultValue = "10s", converter = Timeout.class,
      description = "for an 'await' step without its own (default ${DEFAULT-VALUE})")
  private Duration awaitTimeout;

  @Option(names = "--duration", paramLabel = "<time>", converter = Time.class,
      description = "stop the users still running after this long (default: no limit)")
  private Duration duration;

  @Option(names = "--report", paramLabel = "text|json", defaultValue = "text",
      description = "the report's format on stdout (default ${DEFAULT-VALUE})")
  private Format report;

  @Option(names = "--no-progress", description = "no progress line on stderr (default: one a second)")
  private boolean noProgress;

  @Option(names = "--scenario", paramLabel = "<steps>", converter = Steps.class,
      description = "the scenario, steps separated by ';' (default: the chat scenario below)")
  private Scenario scenario = Scenario.parseSteps(Scenario.DEFAULT);

  /** The last of --scenario and --scenario-file counts. */
  @Option(names = "--scenario-file", paramLabel = "<path>", converter = StepsFile.class,
      description = "read the scenario from a file, one step per line, # for comments")
  private void scenarioFile(Scenario steps) {
    scenario = steps;
  }

  /** The values of --transports: the names are what the user types. */
  enum Transports {
    websocket(Transport.WEBSOCKET), polling(Transport.POLLING), upgrade(Transport.POLLING, Transport.WEBSOCKET);

    final List<Transport> list;

    Transports(Transport... transports) {
      list = List.of(transports);
    }
  }

  /** The values of --report. */
  enum Format { text, json }

  /** Null: start the chat demo server. */
  String url() {
    return url == null ? null : url.replaceAll("/+$", "");
  }

  int users() {
    return users;
  }

  double ramp() {
    return ramp;
  }

  DurationRange think() {
    return think;
  }

  long seed() {
    return seed;
  }

  Scenario scenario() {
    return scenario;
  }

  String namespace() {
    return namespace.startsWith("/") ? namespace : "/" + namespace;
  }

  List<Transport> transports() {
    return transports.list;
  }

  Duration connectTimeout() {
    return connectTimeout;
  }

  Duration ackTimeout() {
    return ackTimeout;
  }

  Duration awaitTimeout() {
    return awaitTimeout;
  }

  /** Null: no limit. */
  Duration duration() {
    return duration;
  }

  boolean json() {
    return report == Format.json;
  }

  boolean progress() {
    return !noProgress;
  }

  // ---- converters: a bad value is a usage error with the converter's message ---------------------

  static final class Users implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return Cli.convert(value, text -> {
        int n = Integer.parseInt(text);
        if (n < 1 || n > MAX_USERS) {
          throw new IllegalArgumentException("must be between 1 and " + MAX_USERS + ", not " + n);
        }
        return n;
      });
    }
  }

  static final class Ramp implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return Cli.convert(value, text -> {
        double ramp = Double.parseDouble(text);
        if (!(ramp >= 0) || Double.isInfinite(ramp)) {
          throw new IllegalArgumentException("must be 0 or more users per second, not " + text);
        }
        return ramp;
      });
    }
  }

  /** 200ms, 1.5s, 2m. */
  static final class Time implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Cli.convert(value, DurationRange::parseDuration);
    }
  }

  /** A time of at least 1ms. */
  static final class Timeout implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Cli.convert(value, text -> {
        Duration timeout = DurationRange.parseDuration(text);
        if (timeout.toMillis() < 1) {
          throw new IllegalArgumentException("a timeout must be at least 1ms, not " + text);
        }
        return timeout;
      });
    }
  }

  /** 200ms, or a range 100ms..500ms. */
  static final class Think implements ITypeConverter<DurationRange> {
    @Override
    public DurationRange convert(String value) {
      return Cli.convert(value, DurationRange::parse);
    }
  }

  static final class Steps implements ITypeConverter<Scenario> {
    @Override
    public Scenario convert(String value) {
      return Cli.convert(value, Scenario::parseSteps);
    }
  }

  static final class StepsFile implements ITypeConverter<Scenario> {
    @Override
    public Scenario convert(String value) {
      return Cli.convert(value, path -> {
        String text;
        try {
          text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read it: " + e);
        }
        return Scenario.parseFile(text);
      });
    }
  }
}
