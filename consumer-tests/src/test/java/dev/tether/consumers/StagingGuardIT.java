package dev.tether.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.consumers.Consumers.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The guard works: a consumer built against an EMPTY repository instead of the staging one either
 * fails to build, or (when ~/.m2 holds a Tether of this version from an `install`, which the tail
 * serves) builds, and then {@link Consumers#assertFromStaging} refuses it.
 */
class StagingGuardIT {

  @Test
  void aTetherFromTheUsersLocalRepositoryIsNotTakenForAStagedOne() throws IOException {
    Path empty = Files.createDirectories(Consumers.WORK.resolve("empty-repo"));
    // a copy of java8-app, so that the other tests' build of it stays as it is
    Path copy = Consumers.WORK.resolve("guard-java8-app");
    Consumers.deleteRecursively(copy);
    Files.createDirectories(copy.resolve("src/main/java/app"));
    Path original = Consumers.PROJECTS.resolve("java8-app");
    Files.copy(original.resolve("pom.xml"), copy.resolve("pom.xml"));
    Files.copy(original.resolve("src/main/java/app/NewsApp.java"), copy.resolve("src/main/java/app/NewsApp.java"));

    Path head = Consumers.WORK.resolve("guard-m2"); // its own head: the other builds' staged copies stay out
    Consumers.deleteRecursively(head);
    Result result = Consumers.maven(copy, empty, head, Consumers.TAIL); // the whole ~/.m2, dev/tether included
    if (result.exitCode() != 0) {
      assertThat(result.output()).as("fails because Tether is not found").contains("dev.tether");
      return;
    }
    // The false pass: served from the tail. The guard must catch it.
    Path jar = Consumers.readClasspath(copy.resolve("target/classpath.txt")).stream()
        .filter(p -> p.getFileName().toString().startsWith("client-core-"))
        .findFirst().orElseThrow();
    assertThat(jar.startsWith(Consumers.TAIL)).as("served from the tail: %s", jar).isTrue();
    assertThatThrownBy(() -> Consumers.assertFromStaging(jar, "client-core"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("consumers' own local repository");
  }
}
