package dev.tether.consumers;

import static dev.tether.consumers.Consumers.assertFromStaging;
import static dev.tether.consumers.Consumers.assertNewsExchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.consumers.Consumers.Built;
import dev.tether.consumers.Consumers.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The java8-app and its runtime dependencies shrunk, optimized and obfuscated by ProGuard (from Maven
 * Central, run through its main class) with the rules the jars ship — ProGuard does not read them
 * from jars by itself, so they are extracted and passed with -include — and then run against the
 * demo server.
 */
class ProguardIT {

  @Test
  void theShrunkAppStillDoesTheNewsExchange() throws IOException {
    Built app = Consumers.build("java8-app");
    Path core = app.jar("client-core");
    assertFromStaging(core, "client-core");

    Path dir = Consumers.WORK.resolve("proguard");
    Consumers.deleteRecursively(dir);
    Files.createDirectories(dir);
    Path tetherRules = extract(core, "META-INF/proguard/tether-core.pro", dir.resolve("tether-core.pro"));
    Path gsonRules = extract(app.jar("gson"), "META-INF/proguard/gson.pro", dir.resolve("gson.pro"));
    // okhttp-jvm 5 and okio-jvm ship no rules (OkHttp's Android AAR does): tether-core.pro covers them

    Path jdk = Paths.get(System.getProperty("java.home"), "jmods");
    Path out = dir.resolve("java8-app-shrunk.jar");
    List<String> config = new ArrayList<>();
    config.add("-injars " + quote(app.dir().resolve("target/java8-app.jar")));
    for (Path jar : app.classpath()) {
      config.add("-injars " + quote(jar) + "(!META-INF/versions/**,!module-info.class,!META-INF/MANIFEST.MF)");
    }
    config.add("-outjars " + quote(out));
    for (String module : List.of("java.base", "java.logging", "java.sql")) {
      config.add("-libraryjars " + quote(jdk.resolve(module + ".jmod")) + "(!**.jar;!module-info.class)");
    }
    config.add("-keep public class app.NewsApp { public static void main(java.lang.String[]); }");
    config.add("-include " + quote(tetherRules));
    config.add("-include " + quote(gsonRules));
    // ProGuard 7.10's return type specialization breaks Okio's Okio.buffer(Source) (Kotlin code):
    // VerifyError "Bad return type" (RealBufferedSource vs BufferedSource) on Tether's I/O thread.
    config.add("-optimizations !method/specialization/returntype");
    Path configFile = Files.write(dir.resolve("app.pro"), config);

    Result proguard = Consumers.run(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "proguard.ProGuard", "@" + configFile),
        dir, Duration.ofMinutes(3), "proguard");
    assertThat(proguard.exitCode()).as("ProGuard:\n%s", proguard.output()).isZero();
    long in = Files.size(app.dir().resolve("target/java8-app.jar"));
    for (Path jar : app.classpath()) {
      in += Files.size(jar);
    }
    assertThat(Files.size(out)).as("shrunk from %d bytes", in).isLessThan(in / 2);
    try (JarFile shrunk = new JarFile(out.toFile())) {
      assertThat(shrunk.getEntry("dev/tether/internal/engine/EngineSocket.class"))
          .as("obfuscated: Tether's internal names are gone").isNull();
    }

    assertNewsExchange(List.of(out), "app.NewsApp", "java8-app-proguard");
  }

  private static Path extract(Path jar, String entry, Path target) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      ZipEntry found = file.getEntry(entry);
      assertThat(found).as("%s ships %s", jar.getFileName(), entry).isNotNull();
      try (InputStream in = file.getInputStream(found)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return target;
  }

  private static String quote(Path path) {
    return "'" + path.toAbsolutePath() + "'";
  }
}
