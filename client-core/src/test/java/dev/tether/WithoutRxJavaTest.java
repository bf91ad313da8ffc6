package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testserver.RealServer;
import dev.tether.testserver.SocketIoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs in its own surefire execution with RxJava removed from the classpath (see client-core's
 * pom): the callback API must not need it, at link time or at run time.
 */
@RealServer
@EnabledIfSystemProperty(named = "tether.withoutRxJava", matches = "true")
class WithoutRxJavaTest {
  private final SocketIoServer server;

  WithoutRxJavaTest(SocketIoServer server) {
    this.server = server;
  }

  @Test void rxJavaIsReallyAbsent() {
    assertThatThrownBy(() -> Class.forName("io.reactivex.rxjava3.core.Observable"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test void everyClassOutsideTheRxPackageLoadsAndLinks() throws Exception {
    for (String name : mainClassesOutsideRx()) {
      Class<?> type = Class.forName(name, true, getClass().getClassLoader());
      type.getDeclaredMethods(); // resolves every signature's types
      type.getDeclaredFields();
    }
  }

  @Test void theCallbackApiWorksAgainstTheRealServer() throws Exception {
    try (Tether tether = Tether.create()) {
      Socket socket = tether.socket(server.url());
      socket.connect();
      socket.awaitConnected(10, TimeUnit.SECONDS);
      socket.emit("echo", "no rx here", new byte[] {7});
      Event echo = socket.awaitEvent("echo", 10, TimeUnit.SECONDS);
      assertThat(echo.arg(0, String.class)).isEqualTo("no rx here");
      assertThat(echo.arg(1, byte[].class)).containsExactly(7);
      assertThat(socket.emitWithAck("ack", 1).await(10, TimeUnit.SECONDS).arg(0)).isEqualTo(1L);
    }
  }

  static List<String> mainClassesOutsideRx() throws IOException {
    Path classes = Paths.get("target/classes");
    try (Stream<Path> files = Files.walk(classes)) {
      return files.filter(f -> f.toString().endsWith(".class"))
          .map(f -> classes.relativize(f).toString().replace('/', '.').replace('\\', '.'))
          .map(f -> f.substring(0, f.length() - ".class".length()))
          .filter(f -> !f.startsWith("dev.tether.rx.") && !f.endsWith("package-info"))
          .collect(Collectors.toList());
    }
  }
}
