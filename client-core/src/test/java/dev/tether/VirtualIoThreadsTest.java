package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.fault.ForkedJvm;
import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * On Java 21+ OkHttp's blocking reads run on virtual threads: 300 open WebSockets hold no platform
 * thread each. Runs {@link VirtualThreadsProbe} in a forked JVM: this JVM's own if it is
 * Java 21+, else the first Java 21+ found in {@code TETHER_JAVA21_HOME} or {@code /usr/lib/jvm}
 * (skipped when there is none). On the test JVM itself (Java 8-20) the same probe shows the
 * platform-thread fallback.
 */
@RealServer
class VirtualIoThreadsTest {
  private static final int SOCKETS = 300;
  private final SocketIoServer server;

  VirtualIoThreadsTest(SocketIoServer server) {
    this.server = server;
  }

  @Test void onJava21TheReadersAreVirtualThreads() throws Exception {
    Path javaHome = java21Home();
    assumeTrue(javaHome != null, "no Java 21+ installed");

    int[] result = runProbe(javaHome, false);

    assertThat(result[2]).as("Java feature version").isGreaterThanOrEqualTo(21);
    assertThat(result[1]).as("I/O platform threads").isZero();
    // What remains is fixed (Tether's loop and timer, JVM threads) plus OkHttp's process-wide
    // TaskRunner pool, which runs WebSocket writes and grows with bursts of them, not with sockets.
    assertThat(result[0]).as("platform threads in all").isLessThan(SOCKETS);
  }

  @Test void theSwitchKeepsPlatformThreads() throws Exception {
    Path javaHome = java21Home();
    assumeTrue(javaHome != null, "no Java 21+ installed");

    int[] result = runProbe(javaHome, true);

    assertThat(result[1]).as("I/O platform threads").isGreaterThanOrEqualTo(SOCKETS);
  }

  /** Returns {platform threads, tether-io platform threads, Java feature version}. */
  private int[] runProbe(Path javaHome, boolean platformThreads) throws Exception {
    String[] r = ForkedJvm.run(javaHome, 60,
        platformThreads ? List.of("-Ddev.tether.virtualThreads=false") : List.of(),
        VirtualThreadsProbe.class, server.url(), Integer.toString(SOCKETS));
    return new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[1]), ForkedJvm.feature(r[2])};
  }

  /** This JVM if it is Java 21+, else TETHER_JAVA21_HOME, else the newest JDK 21+ in /usr/lib/jvm. */
  private static @Nullable Path java21Home() throws IOException {
    return ForkedJvm.java21Home();
  }
}
