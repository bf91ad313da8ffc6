package dev.tether.samples.chat;

import java.util.List;

/**
 * The payloads of the chat demo server ({@code samples/demo-server/chat-server.js}, whose header
 * documents the protocol) as records: Tether binds event and ack arguments to them through Gson, and
 * serializes the ones we send the same way.
 */
final class ChatProtocol {

  /** {@code /room "rooms"} (a list of them) and {@code "room-created"}. */
  record RoomInfo(String name, int members) {}

  /** {@code /chat "message"}, from the server: someone else's message in our room. */
  record Message(long id, String room, String user, String text, long at) {}

  /** {@code /chat "image"} argument 0, from the server; argument 1 is the image itself (binary). */
  record ImageInfo(long id, String room, String user, String name, String type, long size) {}

  /** {@code /chat "joined"} and {@code "left"}: someone entered or left our room. */
  record Notice(String room, String user, long at) {}

  /** What we send with {@code "message"}. */
  record Text(String text) {}

  /** What we send with {@code "image"}, before the binary argument. */
  record ImageMeta(String name, String type) {}

  /** The ack of {@code "join"}: ok, or an error. */
  record JoinReply(boolean ok, String room, List<String> members, List<Message> history, String error) {}

  /** The ack of {@code "message"} and {@code "image"}: ok with the server's id, or an error. */
  record SendReply(boolean ok, long id, long size, String error) {}

  private ChatProtocol() {
  }
}
