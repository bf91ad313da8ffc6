package dev.tether;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Architecture rules, checked on the compiled classes (a class file names every class it refers to
 * in its constant pool, so an {@code io/reactivex/} string there is a reference): RxJava is optional,
 * so only {@code dev.tether.rx} may refer to it; the core never refers to Android; and the code above
 * the protocol seam never refers to a particular kind of server.
 */
class ArchitectureTest {
  private static final Path CLASSES = Paths.get("target/classes");

  @Test void onlyTheRxPackageRefersToRxJava() throws IOException {
    assertThat(classesReferring("io/reactivex/", "dev/tether/rx/")).isEmpty();
    assertThat(classesReferring("io/reactivex/", null)).anyMatch(p -> p.startsWith("dev/tether/rx/"));
  }

  @Test void nothingInCoreRefersToAndroid() throws IOException {
    assertThat(classesReferring("android/", null)).isEmpty();
  }

  @Test void nothingAboveTheSeamRefersToAKindOfServer() throws IOException {
    // internal.client speaks only to internal.wire; Socket.IO, Engine.IO and plain WebSockets live below it.
    for (String below : new String[] {"dev/tether/internal/sio/", "dev/tether/internal/engine/",
        "dev/tether/internal/ws/", "dev/tether/internal/http/"}) {
      assertThat(classesReferring(below, null)).filteredOn(p -> p.startsWith("dev/tether/internal/client/")).isEmpty();
    }
    assertThat(classesReferring("dev/tether/internal/wire/Connection", null))
        .anyMatch(p -> p.startsWith("dev/tether/internal/client/"));
  }

  @Test void theKindsOfServerDoNotReferToEachOther() throws IOException {
    // Each kind of server stands alone below the seam; what they share lives in internal.http.
    assertThat(classesReferring("dev/tether/internal/engine/", null)).noneMatch(p -> p.startsWith("dev/tether/internal/ws/"));
    assertThat(classesReferring("dev/tether/internal/sio/", null)).noneMatch(p -> p.startsWith("dev/tether/internal/ws/"));
    assertThat(classesReferring("dev/tether/internal/ws/", null))
        .noneMatch(p -> p.startsWith("dev/tether/internal/engine/") || p.startsWith("dev/tether/internal/sio/"));
    assertThat(classesReferring("dev/tether/internal/http/", null)).anyMatch(p -> p.startsWith("dev/tether/internal/ws/"));
  }

  @Test void theScanSeesReferencesWhenTheyExist() throws IOException {
    // The rule above would pass vacuously if the scan read nothing: prove it finds a known reference.
    assertThat(classesReferring("okhttp3/OkHttpClient", null)).contains("dev/tether/internal/TetherRuntime.class");
  }

  private static List<String> classesReferring(String prefix, String exceptUnder) throws IOException {
    byte[] needle = prefix.getBytes(StandardCharsets.UTF_8);
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CLASSES)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String relative = CLASSES.relativize(file).toString().replace('\\', '/');
        if (exceptUnder != null && relative.startsWith(exceptUnder)) continue;
        if (contains(Files.readAllBytes(file), needle)) offenders.add(relative);
      }
    }
    return offenders;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
