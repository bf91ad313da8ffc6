#!/usr/bin/env node
// The JSON envelope WebSocket demo server (plain `ws`, no Socket.IO): every message is a text frame
// holding {"name": <event name>, "data": <payload>}. A client that sends
//   {"name":"join", ...}
// is answered with
//   {"name":"hello","data":{"a":"123","b":"234"}}
// Every message is logged. A frame that is not such an envelope (not JSON, not an object, no
// string "name") is logged and answered with {"name":"error","data":{"message":...}}: it never
// takes the server down.
//
// Usage:   node ws-envelope-server.js [port]       (default 0 = an ephemeral port)
//
// Listens on 127.0.0.1, any path. Once listening, prints exactly one line to stdout:
//   WS_ENVELOPE_SERVER_LISTENING <port>
// then one line per client connected, message received and client gone:
//   connected <id> from <address>
//   message from <id>: <name> <data as JSON>
//   unparsable frame from <id>: <the frame's first 200 characters>
//   disconnected <id>: <code> <reason>
// Exits when stdin reaches EOF (so a JVM that started it and died leaves no orphan), on SIGTERM
// and on SIGINT. Started by dev.tether.samples.ws.WsDemoServer.
"use strict";

const http = require("http");
const { WebSocketServer, WebSocket } = require("ws");

const port = parseInt(process.argv[2] || "0", 10);
if (!(port >= 0 && port <= 65535)) {
  console.error("usage: node ws-envelope-server.js [port]");
  process.exit(2);
}

process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));

/** The wire form of one event. */
const envelope = (name, data) => JSON.stringify({ name, data });

/** The envelope in a frame, or null when the frame is not one. */
function parseEnvelope(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch (e) {
    return null;
  }
  if (message === null || typeof message !== "object" || Array.isArray(message)) return null;
  if (typeof message.name !== "string") return null;
  return message;
}

const httpServer = http.createServer((req, res) => {
  res.writeHead(426, { "Content-Type": "text/plain" });
  res.end("a WebSocket server: connect with ws://\n");
});
const wss = new WebSocketServer({ server: httpServer });
let clients = 0;

wss.on("connection", (ws, req) => {
  clients += 1;
  const id = `client-${clients}`;
  console.log(`connected ${id} from ${req.socket.remoteAddress}`);
  const send = (name, data) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(envelope(name, data));
  };

  ws.on("message", (data) => {
    const text = data.toString("utf8");
    const message = parseEnvelope(text);
    if (message === null) {
      console.log(`unparsable frame from ${id}: ${text.slice(0, 200)}`);
      send("error", { message: 'not a JSON envelope {"name": ..., "data": ...}' });
      return;
    }
    const payload = message.data === undefined ? "" : ` ${JSON.stringify(message.data)}`;
    console.log(`message from ${id}: ${message.name}${payload}`);
    switch (message.name) {
      case "join":
        send("hello", { a: "123", b: "234" });
        break;
      default:
        break; // logged only
    }
  });
  ws.on("error", (error) => console.error(`error on ${id}: ${error.message}`));
  ws.on("close", (code, reason) => {
    console.log(`disconnected ${id}: ${code} ${reason.toString("utf8")}`.trimEnd());
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`WS_ENVELOPE_SERVER_LISTENING ${httpServer.address().port}`);
});
