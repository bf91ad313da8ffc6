package dev.tether.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import org.apache.jmeter.gui.JMeterGUIComponent;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jorphan.reflect.ClassFinder;
import org.junit.jupiter.api.Test;

/** The packaged jar, as JMeter sees it in lib/ext. */
class PluginJarIT {
  private static final String JAR = Paths.get(System.getProperty("tether.pluginJar")).toAbsolutePath().toString();

  @Test void theGuiMenuFindsTheSamplersByScanningTheJar() throws Exception {
    // what JMeter's MenuFactory does to fill Add > Sampler (the jar must not opt out of scanning)
    List<String> found = ClassFinder.findClassesThatExtend(new String[] {JAR},
        new Class<?>[] {JMeterGUIComponent.class, TestBean.class});
    assertThat(found).containsExactlyInAnyOrder("dev.tether.jmeter.ConnectSampler", "dev.tether.jmeter.EmitSampler",
        "dev.tether.jmeter.AwaitEventSampler", "dev.tether.jmeter.DisconnectSampler");
  }

  @Test void everyBundledLibraryIsRelocatedSoNothingClashesWithJMetersOwn() throws Exception {
    List<String> outside = new ArrayList<>();
    List<String> relocated = new ArrayList<>();
    try (JarFile jar = new JarFile(JAR)) {
      for (String name : Collections.list(jar.entries()).stream().map(e -> e.getName()).toArray(String[]::new)) {
        if (!name.endsWith(".class")) continue;
        if (name.startsWith("dev/tether/jmeter/shaded/")) {
          relocated.add(name.split("/")[4]);
        } else if (!name.startsWith("dev/tether/")) {
          outside.add(name);
        }
      }
      assertThat(jar.getManifest().getMainAttributes().getValue("JMeter-Skip-Class-Scanning")).isNull();
    }
    assertThat(outside).as("classes outside dev.tether").isEmpty();
    assertThat(relocated).containsOnly("okhttp3", "okio", "kotlin", "gson");
    assertThat(relocated).contains("okhttp3", "okio", "kotlin", "gson");
  }

  @Test void theRxJavaApiIsLeftOut() throws Exception {
    try (JarFile jar = new JarFile(JAR)) {
      assertThat(jar.getEntry("dev/tether/rx/RxSocket.class")).isNull();
      assertThat(jar.getEntry("dev/tether/Socket.class")).isNotNull();
    }
  }
}
