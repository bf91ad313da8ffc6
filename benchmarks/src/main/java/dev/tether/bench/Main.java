package dev.tether.bench;

import dev.tether.bench.e2e.E2eMain;
import dev.tether.bench.report.Report;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The entry point of {@code benchmarks.jar}; {@code benchmarks/run.sh} runs all three in turn.
 *
 * <pre>
 * java -jar benchmarks.jar jmh [JMH options]      # codec microbenchmarks (org.openjdk.jmh.Main)
 * java -jar benchmarks.jar e2e [options]          # end-to-end scenarios against the real server
 * java -jar benchmarks.jar report FILE.json...    # one Markdown table from their JSON results
 * </pre>
 */
@Command(name = "benchmarks.jar",
    description = "Tether's benchmarks; benchmarks/run.sh runs them all.",
    subcommands = {Main.Jmh.class, E2eMain.class, Main.ReportCommand.class})
public final class Main implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
  private boolean help;

  @Spec
  private CommandSpec spec;

  private Main() {
  }

  public static void main(String[] args) {
    // exits even when it went well: a peer thread that lingers must not keep the JVM alive
    System.exit(commandLine(new Main()).execute(args));
  }

  /**
   * The command line of a benchmark command: arguments as given ("@x" is no file), enums in any
   * case; a usage error prints its message and a pointer to --help, and exits with 2.
   */
  public static CommandLine commandLine(Object command) {
    return new CommandLine(command)
        .setExpandAtFiles(false)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler((error, args) -> {
          PrintWriter err = error.getCommandLine().getErr();
          err.println(error.getMessage());
          UnmatchedArgumentException.printSuggestions(error, err);
          err.println("Try --help for the options.");
          return error.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
  }

  /** No command: the usage. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "jmh", description = "codec microbenchmarks: every argument goes to JMH as it is (jmh -h: JMH's options)")
  static final class Jmh implements Callable<Integer> {
    @Unmatched
    private List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
      return 0;
    }
  }

  @Command(name = "report",
      description = "one Markdown table from JMH (-rf json) and e2e JSON results, on stdout")
  static final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.json", arity = "1..*")
    private List<Path> files;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    @Override
    public Integer call() throws Exception {
      Report.main(files.stream().map(Path::toString).toArray(String[]::new));
      return 0;
    }
  }
}
