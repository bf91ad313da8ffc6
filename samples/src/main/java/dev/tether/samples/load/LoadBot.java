package dev.tether.samples.load;

import dev.tether.samples.Cli;
import dev.tether.samples.DemoServer;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The load bot: N virtual users, all on one {@code Tether}, each on its own connection, run a
 * scenario (connect, join, emit with ack, await a server event, think, disconnect...) and the bot
 * reports connect and ack latency percentiles, messages per second and errors by kind.
 *
 * <pre>
 * ./run-sample.sh load --users 1000 --ramp 200
 * ./run-sample.sh load --url http://localhost:3000 --scenario-file my-scenario.txt --report json
 * </pre>
 *
 * Without {@code --url} it starts the chat demo server (quietly) and runs the default chat scenario
 * against it. {@code --help} lists the options and the scenario language ({@link LoadOptions},
 * {@link Scenario}).
 */
@Command(name = "load", abbreviateSynopsis = true, sortOptions = false,
    description = "Runs virtual users against a Socket.IO server, all on one Tether, and reports connect "
        + "and ack latency (p50/p95/p99/max), messages per second and errors by kind.")
public final class LoadBot implements Callable<Integer> {

  @Mixin
  private LoadOptions options;

  @Mixin
  private Cli.Help help;

  private final PrintStream out;
  private final PrintStream err;

  private LoadBot(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    Cli.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the bot: the report goes to {@code out}, progress lines and problems to {@code err}.
   * Returns the exit code: 0 when no user failed, 1 when some did, 2 for a usage or scenario error.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine commandLine = Cli.commandLine(new LoadBot(out, err), out, err);
    // The scenario language after the options, as it is written (a footer would be wrapped again).
    String scenarioHelp = LoadOptions.SCENARIO_HELP.formatted(Scenario.DEFAULT.replace("; ", ";\n    "));
    commandLine.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> "\n" + scenarioHelp);
    return commandLine.execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    // Our own chat demo server unless --url names one; quiet, as it would log every message.
    DemoServer server = options.url() == null
        ? DemoServer.start(DemoServer.CHAT, 0, Map.of("CHAT_QUIET", "1")) : null;
    try {
      String url = server != null ? server.url() : options.url();
      err.println("Running " + options.users() + " users against " + url
          + (server != null ? " (the chat demo server)" : ""));
      LoadReport report = LoadRun.run(options, url, err);
      out.print(options.json() ? report.toJson() + System.lineSeparator() : report.toText());
      out.flush();
      return report.users().failed() > 0 ? 1 : 0;
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }
}
