package dev.tether.consumers;

import static dev.tether.consumers.Consumers.assertFromStaging;
import static dev.tether.consumers.Consumers.assertNewsExchange;
import static dev.tether.consumers.Consumers.plus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.consumers.Consumers.Built;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** An app that already has newer OkHttp, Gson and RxJava than Tether: one copy of each, the app's. */
class NewerDepsIT {

  @Test
  void theAppsNewerVersionsWinWithoutASecondCopy() {
    Built app = Consumers.build("newer-deps-app");
    assertFromStaging(app.jar("client-core"), "client-core");
    List<String> jars = app.classpath().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
    assertThat(jars).contains("okhttp-jvm-5.5.1.jar", "gson-2.15.0.jar", "rxjava-3.1.12.jar")
        .doesNotContain("gson-2.14.0.jar", "rxjava-3.1.10.jar")
        .filteredOn(name -> name.startsWith("okhttp")).containsExactly("okhttp-jvm-5.5.1.jar");
    assertThat(duplicateClasses(app.classpath())).as("classes found in more than one jar").isEmpty();

    Consumers.Exchange run = assertNewsExchange(plus(app.classes(), app.classpath()), "app.RxNewsApp", "newer-deps-app");
    assertThat(run.output()).contains("okhttp 5.5.1");
  }

  @Test
  void theScanFindsADuplicate() {
    // the scan can fail: OkHttp 4's jar and OkHttp 5's JVM jar hold the same okhttp3.* classes
    Path okhttp4 = Consumers.TAIL.resolve("com/squareup/okhttp3/okhttp/4.12.0/okhttp-4.12.0.jar");
    Path okhttp5 = Consumers.TAIL.resolve("com/squareup/okhttp3/okhttp-jvm/5.5.1/okhttp-jvm-5.5.1.jar");
    org.junit.jupiter.api.Assumptions.assumeTrue(okhttp4.toFile().isFile() && okhttp5.toFile().isFile(),
        "both OkHttp jars in ~/.m2 (the okhttp4-app and newer-deps-app builds bring them)");
    assertThat(duplicateClasses(List.of(okhttp4, okhttp5)))
        .containsEntry("okhttp3/OkHttpClient.class", List.of("okhttp-4.12.0.jar", "okhttp-jvm-5.5.1.jar"));
  }

  /** Each class name that more than one jar holds, with those jars (multi-release and module-info entries aside). */
  static Map<String, List<String>> duplicateClasses(List<Path> jars) {
    Map<String, List<String>> owners = new TreeMap<>();
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        file.stream()
            .map(e -> e.getName())
            .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class"))
            .forEach(n -> owners.computeIfAbsent(n, k -> new ArrayList<>()).add(jar.getFileName().toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    owners.values().removeIf(list -> list.size() < 2);
    return owners;
  }
}
