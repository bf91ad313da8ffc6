package dev.tether.samples.load;

import dev.tether.samples.DemoServer;
import java.io.PrintStream;
import java.util.Map;

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
public final class LoadBot {

  public static void main(String[] args) throws InterruptedException {
    int exitCode = run(args, System.out, System.err);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /**
   * Runs the bot: the report goes to {@code out}, progress lines and problems to {@code err}.
   * Returns the exit code: 0 when no user failed, 1 when some did, 2 for a usage or scenario error.
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println("Try --help.");
      return 2;
    }
    if (options.help()) {
      out.print(LoadOptions.USAGE);
      return 0;
    }

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
