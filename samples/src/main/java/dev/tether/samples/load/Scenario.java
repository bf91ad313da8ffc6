package dev.tether.samples.load;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * What every virtual user does, in a small language: one step per line in a file, or steps separated
 * by {@code ;} on the command line; {@code #} starts a comment line.
 *
 * <pre>
 * connect [namespace] [auth=&lt;json object&gt;]   join a namespace on a new connection
 * emit &lt;event&gt; [json args...]                  send an event
 * ack &lt;event&gt; [json args...] [expect &lt;path&gt;=&lt;json&gt;...]
 *                                          send an event, wait for its ack (records the latency);
 *                                          expect checks a field of the ack's first argument
 * await &lt;event&gt; [timeout]                     wait for the next such event not awaited yet
 * think [duration | min..max]              pause (default: --think)
 * sync [timeout]                           wait until every user still running gets here
 * repeat &lt;n&gt; ... end                         run the steps in between n times
 * disconnect                               leave (also implied at the end)
 * </pre>
 *
 * Arguments are strict JSON ({@code "room-1"}, {@code {"text":"hi"}}, {@code 42}) and may contain the
 * placeholders of {@link Template}: {@code ${vu}}, {@code ${vu%N}}, {@code ${vu/N}}, {@code ${iteration}}.
 * Parse errors name the line (file) or step (command line). Immutable.
 */
final class Scenario {

  /** The chat demo server's scenario: rooms of 10 users chat 5 times each. */
  static final String DEFAULT = String.join("; ",
      "connect /chat auth={\"name\":\"vu-${vu}\"}",
      "ack join \"room-${vu/10}\" expect ok=true",
      "sync",
      "repeat 5",
      "ack message {\"text\":\"hello ${iteration} from vu-${vu}\"} expect ok=true",
      "await message",
      "think",
      "end",
      "disconnect");

  /** Event names Socket.IO reserves: emitting them fails. */
  private static final Set<String> RESERVED = Set.of(
      "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);

  /** One step, with where it was written ({@code line 3} or {@code step 3}) for messages. */
  sealed interface Step permits Connect, Emit, Await, Think, Sync, Repeat, End, Disconnect {
    String where();
  }

  /** Namespace null: the --namespace default. Auth null: none. */
  record Connect(String where, String namespace, Json auth) implements Step {}

  /** {@code emit} (ack false) or {@code ack}. */
  record Emit(String where, Template event, List<Json> args, boolean ack, List<Expectation> expectations)
      implements Step {}

  /** Timeout null: the --await-timeout default. */
  record Await(String where, String event, Duration timeout) implements Step {}

  /** Time null: the --think default. */
  record Think(String where, DurationRange time) implements Step {}

  /** Timeout null: wait as long as it takes. */
  record Sync(String where, Duration timeout) implements Step {}

  record Repeat(String where, int times) implements Step {}

  record End(String where) implements Step {}

  record Disconnect(String where) implements Step {}

  /** {@code path=value}: the ack's first argument has {@code value} at {@code path} (dots, array indexes). */
  record Expectation(String path, Json value) {
    List<String> segments() {
      return Arrays.asList(path.split("\\."));
    }

    @Override
    public String toString() {
      return path + "=" + value;
    }
  }

  /** A JSON value with placeholders; parsed once when it has none. */
  static final class Json {
    private final Template template;
    private final JsonElement constant;

    Json(String text) {
      template = Template.parse(text);
      JsonElement sample = parseJson(template.render(0, 0)); // checks it now, not at run time
      constant = template.isConstant() ? sample : null;
    }

    JsonElement render(int vu, int iteration) {
      return constant != null ? constant : parseJson(template.render(vu, iteration));
    }

    @Override
    public String toString() {
      return template.toString();
    }
  }

  private final String source;
  private final List<Step> steps;
  /** For a repeat, the index of its end; for an end, the index of its repeat. */
  private final int[] partner;

  private Scenario(String source, List<Step> steps, int[] partner) {
    this.source = source;
    this.steps = steps;
    this.partner = partner;
  }

  /** Steps separated by {@code ;} (or new lines); messages say "step N". */
  static Scenario parseSteps(String text) {
    return parse(text, false);
  }

  /** A file: steps on lines (or separated by {@code ;}); messages say "line N". */
  static Scenario parseFile(String text) {
    return parse(text, true);
  }

  List<Step> steps() {
    return steps;
  }

  int size() {
    return steps.size();
  }

  Step step(int index) {
    return steps.get(index);
  }

  /** The index of the {@code end} of the repeat at {@code index}, or of the repeat of the end there. */
  int partner(int index) {
    return partner[index];
  }

  /** The text it was parsed from. */
  @Override
  public String toString() {
    return source;
  }

  // ---- parsing -----------------------------------------------------------------------------

  private record Source(String text, String where) {}

  private static Scenario parse(String text, boolean byLine) {
    List<Step> steps = new ArrayList<>();
    for (Source source : split(text, byLine)) {
      try {
        steps.add(parseStep(source));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source.where() + " (" + source.text() + "): " + e.getMessage());
      }
    }
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("the scenario has no steps");
    }
    return new Scenario(text.strip(), List.copyOf(steps), check(steps));
  }

  /** Cuts the text into steps at new lines and at {@code ;} outside JSON strings; drops comments. */
  private static List<Source> split(String text, boolean byLine) {
    List<Source> result = new ArrayList<>();
    StringBuilder step = new StringBuilder();
    int line = 1;
    int stepLine = 1;
    boolean inString = false;
    boolean comment = false;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : '\n';
      boolean endOfStep = c == '\n' || (c == ';' && !inString && !comment);
      if (!endOfStep) {
        if (comment) {
          continue;
        }
        if (c == '#' && !inString && step.toString().isBlank()) {
          comment = true; // to the end of the line
          continue;
        }
        step.append(c);
        if (inString && c == '\\' && i + 1 < text.length() && text.charAt(i + 1) != '\n') {
          step.append(text.charAt(++i));
        } else if (c == '"') {
          inString = !inString;
        }
        continue;
      }
      String stepText = step.toString().strip();
      if (!stepText.isEmpty()) {
        String where = byLine ? "line " + stepLine : "step " + (result.size() + 1);
        result.add(new Source(stepText, where));
      }
      step.setLength(0);
      inString = false;
      if (c == '\n') {
        line++;
        comment = false;
      }
      stepLine = line;
    }
    return result;
  }

  private static Step parseStep(Source source) {
    Cursor cursor = new Cursor(source.text());
    String where = source.where();
    String keyword = cursor.word();
    Step step = switch (keyword) {
      case "connect" -> parseConnect(where, cursor);
      case "emit" -> parseEmit(where, cursor, false);
      case "ack" -> parseEmit(where, cursor, true);
      case "await" -> {
        String event = eventName(cursor).toString();
        Duration timeout = cursor.atEnd() ? null : DurationRange.parseDuration(cursor.word());
        yield new Await(where, event, timeout);
      }
      case "think" -> new Think(where, cursor.atEnd() ? null : DurationRange.parse(cursor.word()));
      case "sync" -> new Sync(where, cursor.atEnd() ? null : DurationRange.parseDuration(cursor.word()));
      case "repeat" -> {
        if (cursor.atEnd()) {
          throw new IllegalArgumentException("repeat needs a count, e.g. repeat 5");
        }
        yield new Repeat(where, count(cursor.word()));
      }
      case "end" -> new End(where);
      case "disconnect" -> new Disconnect(where);
      default -> throw new IllegalArgumentException("unknown step '" + keyword
          + "' (one of connect, emit, ack, await, think, sync, repeat, end, disconnect)");
    };
    if (!cursor.atEnd()) {
      throw new IllegalArgumentException("unexpected '" + cursor.rest() + "' after the " + keyword + " step");
    }
    return step;
  }

  private static Connect parseConnect(String where, Cursor cursor) {
    String namespace = null;
    Json auth = null;
    while (!cursor.atEnd()) {
      if (cursor.lookingAt("auth=")) {
        cursor.skip("auth=".length());
        auth = new Json(cursor.value());
        if (!auth.render(0, 0).isJsonObject()) {
          throw new IllegalArgumentException("auth must be a JSON object, e.g. auth={\"name\":\"vu-${vu}\"}");
        }
      } else if (cursor.lookingAt("/") && namespace == null && auth == null) {
        namespace = cursor.word();
      } else {
        throw new IllegalArgumentException("connect takes [namespace] [auth=<json object>], not '"
            + cursor.rest() + "'");
      }
    }
    return new Connect(where, namespace, auth);
  }

  private static Emit parseEmit(String where, Cursor cursor, boolean ack) {
    Template event = eventName(cursor);
    List<Json> args = new ArrayList<>();
    List<Expectation> expectations = new ArrayList<>();
    while (!cursor.atEnd()) {
      if (cursor.lookingAtWord("expect")) {
        if (!ack) {
          throw new IllegalArgumentException("only an ack step can expect something of the ack");
        }
        cursor.word();
        do {
          String path = cursor.path();
          expectations.add(new Expectation(path, new Json(cursor.value())));
        } while (!cursor.atEnd() && !cursor.lookingAtWord("expect")); // "expect a=1 expect b=2" works too
        continue;
      }
      if (!expectations.isEmpty()) {
        throw new IllegalArgumentException("the event's arguments go before 'expect'");
      }
      args.add(new Json(cursor.value()));
    }
    return new Emit(where, event, List.copyOf(args), ack, List.copyOf(expectations));
  }

  private static Template eventName(Cursor cursor) {
    if (cursor.atEnd()) {
      throw new IllegalArgumentException("an event name is missing");
    }
    String name = cursor.lookingAt("\"") ? parseJson(cursor.value()).getAsString() : cursor.word();
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException("'" + name + "' is reserved by Socket.IO");
    }
    return Template.parse(name);
  }

  private static int count(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("'" + text + "' is not a count (0 or more)");
  }

  /**
   * Checks what the parser cannot see step by step: every repeat has an end, and events go out on a
   * connection (a repeat body must end as connected as it began). Returns the repeat/end partners.
   */
  private static int[] check(List<Step> steps) {
    int[] partner = new int[steps.size()];
    Deque<Integer> open = new ArrayDeque<>();
    Deque<Boolean> connectedAtRepeat = new ArrayDeque<>();
    boolean connected = false;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String problem = null;
      if (step instanceof Connect) {
        problem = connected ? "already connected: add a disconnect step before connecting again" : null;
        connected = true;
      } else if (step instanceof Emit || step instanceof Await) {
        problem = connected ? null : "not connected: add a connect step before it";
      } else if (step instanceof Disconnect) {
        problem = connected ? null : "not connected, nothing to disconnect";
        connected = false;
      } else if (step instanceof Repeat) {
        open.push(i);
        connectedAtRepeat.push(connected);
      } else if (step instanceof End) {
        if (open.isEmpty()) {
          problem = "end without a repeat";
        } else {
          int repeat = open.pop();
          partner[repeat] = i;
          partner[i] = repeat;
          if (connectedAtRepeat.pop() != connected) {
            problem = "the repeat at " + steps.get(repeat).where() + " must end "
                + (connected ? "disconnected" : "connected") + ", as it began";
          }
        }
      }
      if (problem != null) {
        throw new IllegalArgumentException(step.where() + ": " + problem);
      }
    }
    if (!open.isEmpty()) {
      throw new IllegalArgumentException(steps.get(open.peek()).where() + ": repeat without an end");
    }
    return partner;
  }

  /** Parses exactly one strict JSON value. */
  static JsonElement parseJson(String text) {
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      JsonElement value = JSON.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("more than one JSON value in " + text);
      }
      return value;
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("not valid JSON: " + text
          + " (strings need double quotes, e.g. \"room-1\")");
    }
  }

  /** Reads one step's text: words, JSON values, expectation paths. */
  private static final class Cursor {
    private final String text;
    private int pos;

    Cursor(String text) {
      this.text = text;
    }

    boolean atEnd() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
      return pos >= text.length();
    }

    boolean lookingAt(String prefix) {
      return !atEnd() && text.startsWith(prefix, pos);
    }

    boolean lookingAtWord(String word) {
      return lookingAt(word) && (pos + word.length() == text.length()
          || Character.isWhitespace(text.charAt(pos + word.length())));
    }

    void skip(int chars) {
      pos += chars;
    }

    /** Up to the next white space. */
    String word() {
      atEnd();
      int start = pos;
      while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
      return text.substring(start, pos);
    }

    /** {@code path=}: up to the {@code =}, which it consumes. */
    String path() {
      atEnd();
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != '=' && !Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
      if (pos == start || pos >= text.length() || text.charAt(pos) != '=') {
        throw new IllegalArgumentException("expect needs <path>=<json>, e.g. expect ok=true");
      }
      return text.substring(start, pos++);
    }

    /** One JSON value's text: a string, a balanced object or array, or a bare word (number, true, ${vu}). */
    String value() {
      if (atEnd()) {
        throw new IllegalArgumentException("a JSON value is missing");
      }
      int start = pos;
      char first = text.charAt(pos);
      if (first == '"') {
        pos = endOfString(pos);
      } else if (first == '{' || first == '[') {
        int depth = 0;
        do {
          char c = text.charAt(pos);
          if (c == '"') {
            pos = endOfString(pos);
            continue;
          }
          if (c == '{' || c == '[') {
            depth++;
          } else if (c == '}' || c == ']') {
            depth--;
          }
          pos++;
        } while (depth > 0 && pos < text.length());
        if (depth > 0) {
          throw new IllegalArgumentException("unclosed " + first + " in " + text.substring(start));
        }
      } else {
        return word();
      }
      return text.substring(start, pos);
    }

    /** The index after the closing quote of the string that starts at {@code quote}. */
    private int endOfString(int quote) {
      for (int i = quote + 1; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          return i + 1;
        }
      }
      throw new IllegalArgumentException("unclosed string " + text.substring(quote));
    }

    String rest() {
      atEnd();
      return text.substring(pos);
    }
  }
}
