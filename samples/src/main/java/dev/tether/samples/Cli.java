package dev.tether.samples;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What the samples' command lines share: picocli set up the same way for each, the help option
 * and a few converters. Every sample is a picocli {@code @Command}; its {@code run(args, ...)}
 * returns the exit code of {@link #execute}: 0 (also after --help), 2 for a usage error (picocli's
 * {@code ExitCode.USAGE}; the message goes to the error stream), or the sample's own code.
 */
public final class Cli {

  private Cli() {
  }

  /** {@code -h, --help}: add it to a command with {@code @Mixin Cli.Help help;}. */
  public static final class Help {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;
  }

  /**
   * Parses {@code args} into {@code command} (a {@code Callable<Integer>}), runs it and returns its
   * exit code. Help goes to {@code out}; a usage error (its message, a pointer to --help) to {@code
   * err}.
   */
  public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
    return commandLine(command, out, err).execute(args);
  }

  /** The command line of {@code command}, as {@link #execute} uses it. */
  public static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
    return new CommandLine(command)
        // Arguments are taken as they are: "@name" is a value, not a file of arguments to read.
        .setExpandAtFiles(false)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .setParameterExceptionHandler(Cli::usageError);
  }

  /**
   * A usage error: the message, picocli's suggestions for a mistyped option, and a pointer to
   * --help (the whole usage would bury the message; the load bot's is long).
   */
  private static int usageError(ParameterException error, String[] args) {
    CommandLine commandLine = error.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println(error.getMessage());
    UnmatchedArgumentException.printSuggestions(error, err);
    err.println("Try --help for the options.");
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Ends the JVM with {@code exitCode}, unless it is 0: then main just returns (tests call main). */
  public static void exit(int exitCode) {
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /**
   * Converts with a parser that rejects bad input with an {@link IllegalArgumentException}: its
   * message becomes picocli's "Invalid value for option ..." usage error.
   */
  public static <T> T convert(String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a number");
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** A number of 1 or more. */
  public static final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return Cli.convert(value, text -> positive(Integer.parseInt(text), value));
    }
  }

  /** A number of 1 or more. */
  public static final class PositiveLong implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return Cli.convert(value, text -> positive(Long.parseLong(text), value));
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

  /** {@code 250ms}, {@code 5s}, {@code 1.5s} or {@code 2m}; at most a day. */
  public static Duration parseDuration(String text) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 250ms, 5s, 1.5s or 2m");
    }
    double value = Double.parseDouble(matcher.group(1));
    double millis = switch (matcher.group(2)) {
      case "ms" -> value;
      case "s" -> value * 1_000;
      default -> value * 60_000;
    };
    if (millis > Duration.ofDays(1).toMillis()) {
      throw new IllegalArgumentException("'" + text + "' is longer than a day");
    }
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** A duration of at least 1ms: 250ms, 5s, 1.5s, 2m. */
  public static final class PositiveDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Cli.convert(value, text -> {
        Duration duration = parseDuration(text);
        if (duration.toMillis() < 1) {
          throw new IllegalArgumentException("needs at least 1ms, not " + text);
        }
        return duration;
      });
    }
  }

  private static <N extends Number> N positive(N number, String value) {
    if (number.longValue() < 1) {
      throw new IllegalArgumentException("needs a positive number, not " + value);
    }
    return number;
  }
}
