package dev.tether.consumers;

import static dev.tether.consumers.Consumers.assertFromStaging;
import static dev.tether.consumers.Consumers.assertNewsExchange;
import static dev.tether.consumers.Consumers.plus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.consumers.Consumers.Built;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Java applications that know Tether only by its coordinates, built and run as a user would. */
class JavaAppsIT {

  @Test
  void java8AppBuildsForJava8AndDoesTheNewsExchange() throws IOException {
    Built app = Consumers.build("java8-app");
    assertFromStaging(app.jar("client-core"), "client-core");
    assertThat(app.classpath()).as("RxJava is optional: a callback-only app does not get it")
        .noneMatch(p -> p.getFileName().toString().startsWith("rxjava-"));
    // --release 8: class file version 52; the animal-sniffer java18 check ran in the build (process-classes)
    assertThat(classFileMajorVersion(app.classes().resolve("app/NewsApp.class"))).isEqualTo(52);

    Consumers.Exchange exchange = assertNewsExchange(plus(app.classes(), app.classpath()), "app.NewsApp", "java8-app");
    assertThat(exchange.serverLines())
        .contains("disconnected " + exchange.socketId() + ": client namespace disconnect");
  }

  @Test
  void java17AppUsesRxSocketWithItsOwnRxJava() {
    Built app = Consumers.build("java17-rx-app");
    assertFromStaging(app.jar("client-core"), "client-core");
    assertThat(app.jar("rxjava").getFileName().toString()).isEqualTo("rxjava-3.1.10.jar");

    assertNewsExchange(plus(app.classes(), app.classpath()), "app.RxNewsApp", "java17-rx-app");
  }

  static int classFileMajorVersion(Path classFile) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(classFile))) {
      assertThat(in.readInt()).isEqualTo(0xCAFEBABE);
      in.readUnsignedShort(); // minor
      return in.readUnsignedShort();
    }
  }
}
