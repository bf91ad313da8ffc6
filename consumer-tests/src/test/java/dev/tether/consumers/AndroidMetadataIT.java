package dev.tether.consumers;

import static dev.tether.consumers.Consumers.assertFromStaging;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tether.consumers.Consumers.Built;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What an Android Gradle build would get, without an Android build tool: client-android's published
 * POM (Gradle reads it: Tether publishes no Gradle module metadata), OkHttp's module metadata that
 * Gradle follows from there, and the published jars against the Android API 21 signature.
 */
class AndroidMetadataIT {

  @Test
  void clientAndroidsPomGivesAndroidAppsOkHttpsRootModuleAndNotTheJvmJar() throws Exception {
    Path pom = Consumers.newestStagedPom("client-android");
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    List<String> compileDeps = new ArrayList<>();
    Element core = null;
    NodeList deps = ((Element) doc.getElementsByTagName("dependencies").item(0)).getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element dep = (Element) deps.item(i);
      String ga = text(dep, "groupId") + ":" + text(dep, "artifactId");
      String scope = text(dep, "scope");
      if (scope == null || scope.equals("compile") || scope.equals("runtime")) {
        compileDeps.add(ga + (text(dep, "optional") == null ? "" : " (optional " + text(dep, "optional") + ")"));
      }
      if (ga.equals("dev.tether:client-core")) {
        core = dep;
      }
    }
    assertThat(compileDeps).as("what Gradle passes on to an Android app, from %s", pom)
        .contains("com.squareup.okhttp3:okhttp", "dev.tether:client-core")
        .noneMatch(d -> d.startsWith("com.squareup.okhttp3:okhttp-jvm"));
    assertThat(core).isNotNull();
    List<String> exclusions = new ArrayList<>();
    NodeList ex = core.getElementsByTagName("exclusion");
    for (int i = 0; i < ex.getLength(); i++) {
      exclusions.add(text((Element) ex.item(i), "groupId") + ":" + text((Element) ex.item(i), "artifactId"));
    }
    assertThat(exclusions).as("client-core's okhttp-jvm is excluded").contains("com.squareup.okhttp3:okhttp-jvm");
    // no Gradle module metadata is published: Gradle uses the POM above as it is
    try (Stream<Path> files = Files.list(pom.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".module"));
    }
  }

  @Test
  void okHttpsModuleMetadataSendsAndroidBuildsToOkHttpAndroid() throws IOException {
    String okhttp = okHttpVersionOfClientCore();
    Path module = Consumers.TAIL.resolve("com/squareup/okhttp3/okhttp/" + okhttp + "/okhttp-" + okhttp + ".module");
    assertThat(module).as("OkHttp's Gradle module metadata (Maven downloads it with the okhttp jar)").isRegularFile();
    JsonObject root = JsonParser.parseString(Files.readString(module)).getAsJsonObject();
    List<String> androidRuntime = new ArrayList<>();
    List<String> jvmRuntime = new ArrayList<>();
    for (JsonElement v : root.getAsJsonArray("variants")) {
      JsonObject variant = v.getAsJsonObject();
      JsonObject attributes = variant.getAsJsonObject("attributes");
      JsonObject availableAt = variant.getAsJsonObject("available-at");
      if (attributes == null || availableAt == null
          || !"java-runtime".equals(string(attributes, "org.gradle.usage"))
          || !"library".equals(string(attributes, "org.gradle.category"))) { // not the -sources variants
        continue;
      }
      String platform = string(attributes, "org.jetbrains.kotlin.platform.type");
      String target = availableAt.get("module").getAsString();
      if ("androidJvm".equals(platform)) {
        androidRuntime.add(target);
      } else if ("jvm".equals(platform)) {
        jvmRuntime.add(target);
      }
    }
    assertThat(androidRuntime).as("runtime variants for Android in %s", module).containsExactly("okhttp-android");
    assertThat(jvmRuntime).as("runtime variants for the JVM in %s", module).containsExactly("okhttp-jvm");
  }

  @Test
  void thePublishedJarsUseOnlyAndroidApi21() throws IOException {
    Built project = Consumers.build("android-metadata"); // animal-sniffer's check fails the build otherwise
    assertFromStaging(project.jar("client-core"), "client-core");
    assertFromStaging(project.jar("client-android"), "client-android");
    // the check really saw the published classes (an empty target/classes would pass it)
    assertThat(project.classes().resolve("dev/tether/Tether.class")).isRegularFile();
    try (Stream<Path> android = Files.walk(project.classes().resolve("dev/tether/android"))) {
      assertThat(android.filter(p -> p.toString().endsWith(".class")).count()).isGreaterThan(3);
    }
  }

  @Test
  void theCheckFailsOnAJarBeyondApi21() throws IOException {
    // the same project checking kotlin-stdlib instead (kotlin.io.path uses java.nio.file: API 26)
    Path copy = Consumers.WORK.resolve("android-negative");
    Consumers.deleteRecursively(copy);
    Files.createDirectories(copy);
    Files.copy(Consumers.PROJECTS.resolve("android-metadata/pom.xml"), copy.resolve("pom.xml"));
    Consumers.Result result = Consumers.maven(copy, Consumers.STAGING, Consumers.HEAD, Consumers.tailWithoutTether(),
        "-Dchecked.groupIds=org.jetbrains.kotlin", "-Dchecked.artifactIds=kotlin-stdlib");
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("Undefined reference: java.nio.file.Path");
  }

  private static String okHttpVersionOfClientCore() throws IOException {
    String pom = Files.readString(Consumers.newestStagedPom("client-core"));
    // client-core names okhttp-jvm without a version: it comes from tether-parent's okhttp.version
    String parent = Files.readString(Consumers.newestStagedPom("tether-parent"));
    int at = parent.indexOf("<okhttp.version>");
    assertThat(pom).contains("<artifactId>okhttp-jvm</artifactId>");
    assertThat(at).as("okhttp.version in the staged tether-parent").isPositive();
    return parent.substring(at + "<okhttp.version>".length(), parent.indexOf("</okhttp.version>"));
  }

  private static String string(JsonObject object, String name) {
    JsonElement e = object.get(name);
    return e == null ? null : e.getAsString();
  }

  private static String text(Element parent, String tag) {
    NodeList list = parent.getElementsByTagName(tag);
    return list.getLength() == 0 ? null : list.item(0).getTextContent().trim();
  }
}
