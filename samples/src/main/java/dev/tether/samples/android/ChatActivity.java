package dev.tether.samples.android;

import android.app.Activity;
import android.os.Bundle;
import android.view.ViewGroup;
import android.widget.ArrayAdapter;
import android.widget.Button;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.ListView;
import android.widget.TextView;
import com.google.gson.annotations.SerializedName;
import dev.tether.Socket;
import dev.tether.SocketOptions;
import dev.tether.Tether;
import dev.tether.android.AndroidConnectivity;
import dev.tether.android.AndroidExecutors;
import dev.tether.android.AndroidLifecycle;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The room chat on Android: one Activity on the chat demo server's {@code /chat} namespace
 * ({@code samples/demo-server/chat-server.js}). It joins a room, shows its history and every message,
 * join and leave in a list, and sends what is typed.
 *
 * <p>The Android side of Tether in one screen:
 * <ul>
 *   <li>{@link AndroidExecutors#mainThread()}: every listener runs on the main thread and updates the
 *       views directly, with no {@code runOnUiThread}.
 *   <li>{@link AndroidConnectivity}: offline, no futile reconnection attempts; back online (or on
 *       another network), it reconnects at once.
 *   <li>{@link AndroidLifecycle}: after a minute in the background the connection closes; back in the
 *       foreground it reopens, and the server's connection state recovery (on in the demo server)
 *       replays what was missed.
 * </ul>
 *
 * <p><b>Not run by the build</b>: there is no device or emulator here. The samples module compiles it
 * against the Android API 21 framework, so it cannot rot. To try it, copy it into an Android project
 * (minSdk 21) that depends on {@code dev.tether:client-android}, and declare in its manifest:
 *
 * <pre>{@code
 * <uses-permission android:name="android.permission.INTERNET" />
 * <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE" />
 * <application android:usesCleartextTraffic="true" ...>  <!-- the demo server speaks plain http -->
 *   <activity android:name=".ChatActivity" android:exported="true">
 *     <intent-filter>
 *       <action android:name="android.intent.action.MAIN" />
 *       <category android:name="android.intent.category.LAUNCHER" />
 *     </intent-filter>
 *   </activity>
 * </application>
 * }</pre>
 *
 * Then start the demo server on the development machine ({@code node chat-server.js 3000} in
 * {@code samples/demo-server}); the emulator reaches it as {@code http://10.0.2.2:3000}, the default.
 * Intent extras {@code url}, {@code name} and {@code room} choose another server, user name (default
 * {@code android}) and room (default {@code general}).
 *
 * <p>For brevity the Tether lives in the Activity, so a rotation reconnects. An app keeps it (and the
 * two bindings) in its {@code Application}, one for the whole process.
 */
public final class ChatActivity extends Activity {
  private static final String DEFAULT_URL = "http://10.0.2.2:3000";

  private Tether tether;
  private Socket chat;
  private AndroidConnectivity connectivity;
  private AndroidLifecycle lifecycle;
  private String room;

  private TextView status;
  private ArrayAdapter<String> lines;
  private EditText input;

  // Payloads, bound by Gson. @SerializedName on every field keeps them working under R8: Gson's
  // own shrinker rules keep the fields (and no-arg constructor) of classes that use it.

  /** A message from someone else in the room, and an entry of the room's history. */
  static final class ChatMessage {
    @SerializedName("user") String user;
    @SerializedName("text") String text;
  }

  /** "joined" and "left". */
  static final class Notice {
    @SerializedName("user") String user;
  }

  /** The description that comes with an image (its bytes are the event's second argument). */
  static final class ImageInfo {
    @SerializedName("user") String user;
    @SerializedName("name") String name;
    @SerializedName("size") long size;
  }

  /** What is sent: {@code {text}}. */
  static final class Outgoing {
    @SerializedName("text") final String text;

    Outgoing(String text) {
      this.text = text;
    }
  }

  /** The answer to "join" and to "message": {@code ok}, and what went wrong or what came with it. */
  static final class Reply {
    @SerializedName("ok") boolean ok;
    @SerializedName("error") String error;
    @SerializedName("members") List<String> members;
    @SerializedName("history") List<ChatMessage> history;
  }

  @Override protected void onCreate(Bundle savedInstanceState) {
    super.onCreate(savedInstanceState);
    buildViews();
    String url = extra("url", DEFAULT_URL);
    String name = extra("name", "android");
    room = extra("room", "general");

    // Listeners on the main thread: they touch the views directly.
    tether = Tether.builder().callbackExecutor(AndroidExecutors.mainThread()).build();
    chat = tether.socket(url + "/chat", SocketOptions.builder()
        .auth(Collections.singletonMap("name", name)) // the demo server requires a name
        .build());

    chat.onStateChange(state -> status.setText(name + " in " + room + ": " + state));
    chat.onConnect(() -> {
      if (chat.recovered()) {
        show("* back; the messages missed meanwhile follow"); // still in the room: no join needed
      } else {
        join();
      }
    });
    chat.onDisconnect(reason -> show("* disconnected (" + reason + ")"));
    chat.onConnectError(error -> show("! cannot connect: " + error.message()));
    chat.on("message", ChatMessage.class, message -> show(message.user + ": " + message.text));
    chat.on("joined", Notice.class, notice -> show("* " + notice.user + " joined"));
    chat.on("left", Notice.class, notice -> show("* " + notice.user + " left"));
    chat.on("image", ImageInfo.class, image -> show("* " + image.user + " sent " + image.name + " (" + image.size + " bytes)"));

    // Reconnect when the network returns, not after a backoff; close after a minute in the background.
    connectivity = AndroidConnectivity.bind(this, chat);
    lifecycle = AndroidLifecycle.bind(this, chat, 1, TimeUnit.MINUTES);
    chat.connect();
  }

  @Override protected void onDestroy() {
    lifecycle.close();
    connectivity.close();
    tether.close(); // leaves the room and stops Tether's threads
    super.onDestroy();
  }

  private void join() {
    chat.emitWithAck("join", room).timeout(10, TimeUnit.SECONDS).then(args -> {
      Reply reply = args.arg(0, Reply.class);
      if (reply == null || !reply.ok) {
        show("! cannot join " + room + ": " + (reply == null ? "no answer" : reply.error));
        return;
      }
      show("* joined " + room + " with " + reply.members);
      for (ChatMessage message : reply.history) show(message.user + ": " + message.text);
    }, failure -> show("! cannot join " + room + ": " + failure.getMessage()));
  }

  private void send() {
    String text = input.getText().toString().trim();
    if (text.isEmpty()) return;
    input.setText("");
    show("me: " + text);
    // Sent at once, or buffered while disconnected and sent on reconnection, in order.
    chat.emitWithAck("message", new Outgoing(text)).then(args -> {
      Reply reply = args.arg(0, Reply.class);
      if (reply != null && !reply.ok) show("! not sent: " + reply.error);
    }, failure -> show("! not sent: " + failure.getMessage()));
  }

  private void show(String line) {
    lines.add(line); // on the main thread, like every listener here
  }

  private String extra(String key, String fallback) {
    String value = getIntent().getStringExtra(key);
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** A status line, the conversation, and an input row; built in code, so the sample needs no resources. */
  private void buildViews() {
    status = new TextView(this);
    lines = new ArrayAdapter<>(this, android.R.layout.simple_list_item_1);
    ListView conversation = new ListView(this);
    conversation.setAdapter(lines);
    conversation.setTranscriptMode(ListView.TRANSCRIPT_MODE_ALWAYS_SCROLL);
    conversation.setStackFromBottom(true);

    input = new EditText(this);
    input.setSingleLine(true);
    input.setHint("Message");
    Button sendButton = new Button(this);
    sendButton.setText("Send");
    sendButton.setOnClickListener(view -> send());
    LinearLayout inputRow = new LinearLayout(this);
    inputRow.setOrientation(LinearLayout.HORIZONTAL);
    inputRow.addView(input, new LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1));
    inputRow.addView(sendButton);

    LinearLayout screen = new LinearLayout(this);
    screen.setOrientation(LinearLayout.VERTICAL);
    screen.addView(status);
    screen.addView(conversation, new LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, 0, 1));
    screen.addView(inputRow);
    setContentView(screen);
  }
}
