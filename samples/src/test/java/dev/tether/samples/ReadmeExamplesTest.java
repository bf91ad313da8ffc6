package dev.tether.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code ```java} block of the README against the current API, so an example that no
 * longer matches the code fails the build instead of misleading a reader.
 *
 * <p>Each block becomes the body of a method in a class of its own. The class extends an Android
 * {@code Activity} (so {@code this} is a {@code Context}, as in the Android examples) and declares
 * the names the examples use without introducing them: {@code tether}, {@code socket}, {@code ui},
 * {@code log(…)}, the app's payload types and so on ({@link #SCAFFOLD}). A line holding only
 * {@code ...} stands for "your code" and is dropped. When an example needs a name the scaffold
 * lacks, add it there, with the type a reader would assume.
 */
class ReadmeExamplesTest {

  private static final String IMPORTS =
      """
      import com.google.gson.*;
      import dev.tether.*;
      import dev.tether.android.*;
      import dev.tether.android.rx.*;
      import dev.tether.rx.*;
      import io.reactivex.rxjava3.core.*;
      import io.reactivex.rxjava3.disposables.*;
      import java.util.*;
      import java.util.concurrent.*;
      import okhttp3.*;
      import static java.util.concurrent.TimeUnit.*;
      """;

  /** What the examples take for granted: an app's fields, helpers and payload types. */
  private static final String SCAFFOLD =
      """
        Tether tether;
        Socket socket;
        SocketOptions options;
        String url, userToken, adminToken, room;
        javax.net.ssl.SSLSocketFactory sslSocketFactory;
        javax.net.ssl.X509TrustManager trustManager;
        String pin, proxyUser, proxyPassword;
        Scheduler uiScheduler;
        Session session;
        Ui ui;

        void log(Object message) {}
        void show(Object value) {}
        void fail(Throwable error) {}

        interface Session { String token(); }
        interface Ui {
          void show(ChatMessage message);
          void typing(String user, Boolean typing);
          void loginFailed(String message, Object data);
          void joined(Room room);
          void error(Throwable error);
        }
        record ChatMessage(String text) {}
        record Join(String room) {}
        record Room(String name, List<String> members) {}
        record Tick(long time) {}
        record Hello(String a, String b) {}
        static final class BuildConfig { static final String SERVER_URL = "https://example.com"; }
      """;

  /** One {@code ```java} block: where it starts in the README, and its lines. */
  record Example(int line, String code) {}

  @TestFactory
  Stream<DynamicTest> everyJavaExampleCompiles(@TempDir Path classes) throws IOException {
    return examples().stream()
        .map(example -> DynamicTest.dynamicTest(
            "README line " + example.line(), () -> assertCompiles(example, classes)));
  }

  /** Guards the extraction itself: a README whose blocks all vanished would pass the factory above. */
  @Test
  void findsTheReadmesExamples() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(7);
    assertThat(examples).anySatisfy(e -> assertThat(e.code()).contains("tether.socket("));
    assertThat(examples).anySatisfy(e -> assertThat(e.code()).contains("RxSocket.from("));
    assertThat(examples).anySatisfy(e -> assertThat(e.code()).contains("AndroidLifecycle.bind("));
  }

  /** A deliberately broken example must fail: proves the compiler, the classpath and the check work. */
  @Test
  void aWrongExampleDoesNotCompile(@TempDir Path classes) {
    List<String> errors = compile(new Example(0, "socket.emitt(\"x\");"), classes);
    assertThat(errors).singleElement().asString().contains("emitt");
  }

  private static void assertCompiles(Example example, Path classes) {
    List<String> errors = compile(example, classes);
    assertThat(errors)
        .as("the README's example at line %d does not compile:%n%s", example.line(), example.code())
        .isEmpty();
  }

  private static List<Example> examples() throws IOException {
    Path readme = Path.of(System.getProperty("tether.readme", "../README.md"));
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      int start = i + 1;
      StringBuilder code = new StringBuilder();
      for (i = start; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
        if (!lines.get(i).strip().equals("...")) {
          code.append(lines.get(i)).append('\n');
        }
      }
      examples.add(new Example(start + 1, code.toString()));
    }
    return examples;
  }

  /** Compiles the example into {@code classes}; returns the errors, with the README's line numbers. */
  private static List<String> compile(Example example, Path classes) {
    String className = "ReadmeExample" + example.line();
    String prefix = IMPORTS + "\nclass " + className + " extends android.app.Activity {\n"
        + SCAFFOLD + "\n  void example() throws Exception {\n";
    String source = prefix + example.code() + "  }\n}\n";
    int firstExampleLine = (int) prefix.lines().count() + 1;

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options = List.of(
        "--release", "17", "-proc:none", "-d", classes.toString(),
        "-classpath", System.getProperty("java.class.path")
            + java.io.File.pathSeparator + System.getProperty("tether.androidJar"));
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = compiler.getTask(new StringWriter(), files, diagnostics, options, null,
          List.of(new Source(className, source))).call();
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          long readmeLine = example.line() + d.getLineNumber() - firstExampleLine;
          errors.add("README line " + readmeLine + ": " + d.getMessage(null));
        }
      }
      assertThat(ok || !errors.isEmpty()).as("javac failed without a diagnostic").isTrue();
      return errors;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(java.net.URI.create("string:///" + className + ".java"), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
