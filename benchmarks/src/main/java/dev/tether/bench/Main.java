package dev.tether.bench;

import dev.tether.bench.e2e.E2eMain;
import dev.tether.bench.report.Report;
import java.util.Arrays;

/**
 * The entry point of {@code benchmarks.jar}; {@code benchmarks/run.sh} runs all three in turn.
 *
 * <pre>
 * java -jar benchmarks.jar jmh [JMH options]      # codec microbenchmarks (org.openjdk.jmh.Main)
 * java -jar benchmarks.jar e2e [options]          # end-to-end scenarios against the real server
 * java -jar benchmarks.jar report FILE.json...    # one Markdown table from their JSON results
 * </pre>
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "--help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (command) {
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "e2e" -> E2eMain.main(rest);
      case "report" -> Report.main(rest);
      default -> {
        System.err.println("usage: java -jar benchmarks.jar (jmh [JMH options] | e2e [--help] | report FILE.json...)");
        System.exit(command.equals("--help") || command.equals("-h") ? 0 : 2);
      }
    }
  }
}
