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
    Result result = Consumers.maven("java8-app", empty, Consumers.TAIL); // the whole ~/.m2, dev/tether included
    if (result.exitCode() != 0) {
      assertThat(result.output()).as("fails because Tether is not found").contains("dev.tether");
      return;
    }
    // The false pass: served from the tail. The guard must catch it.
    Path jar = Consumers.readClasspath(Consumers.PROJECTS.resolve("java8-app/target/classpath.txt")).stream()
        .filter(p -> p.getFileName().toString().startsWith("client-core-"))
        .findFirst().orElseThrow();
    assertThat(jar.startsWith(Consumers.TAIL)).as("served from the tail: %s", jar).isTrue();
    assertThatThrownBy(() -> Consumers.assertFromStaging(jar, "client-core"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("consumers' own local repository");
  }
}
