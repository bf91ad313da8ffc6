package dev.tether.bench;

import java.util.Objects;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The chat-like event every benchmark sends: a small object of four fields, about 130 bytes of JSON.
 * Tether and the floor bind it with Gson; the peer, whose API speaks org.json, converts it by hand
 * ({@link #toJson()}, {@link #fromJson}), as its users do.
 */
public final class Msg {
  /** About 90 characters: a typical chat line. */
  public static final String TEXT =
      "Hello from the benchmark! The quick brown fox jumps over the lazy dog, twice: 0123456789.";

  public long seq;
  public String user;
  public String text;
  public long ts;

  public Msg() {
  }

  public Msg(long seq, String user, String text, long ts) {
    this.seq = seq;
    this.user = user;
    this.text = text;
    this.ts = ts;
  }

  /** The message number {@code seq} of a run. */
  public static Msg sample(long seq) {
    return new Msg(seq, "alice", TEXT, 1_700_000_000_000L + seq);
  }

  /** The peer's form (org.json), built the way its users build it. */
  public JSONObject toJson() {
    try {
      return new JSONObject().put("seq", seq).put("user", user).put("text", text).put("ts", ts);
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Back from the peer's form. */
  public static Msg fromJson(JSONObject json) {
    try {
      return new Msg(json.getLong("seq"), json.getString("user"), json.getString("text"), json.getLong("ts"));
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override public boolean equals(Object o) {
    if (!(o instanceof Msg)) return false;
    Msg other = (Msg) o;
    return seq == other.seq && ts == other.ts && Objects.equals(user, other.user) && Objects.equals(text, other.text);
  }

  @Override public int hashCode() {
    return Objects.hash(seq, user, text, ts);
  }

  @Override public String toString() {
    return "Msg{seq=" + seq + ", user=" + user + ", ts=" + ts + "}";
  }
}
