#!/usr/bin/env node
// The plain WebSocket demo server (text frames, no Socket.IO): every client that connects is
// greeted with a text message at once and then gets another one every few seconds; whatever it
// sends is logged. The `ws` counterpart of news-server.js.
//
// Usage:   node ws-text-server.js [port] [intervalMs]
//   port        default 0 = an ephemeral port
//   intervalMs  milliseconds between two pushed messages (default 3000)
//
// Listens on 127.0.0.1, any path. Once listening, prints exactly one line to stdout:
//   WS_TEXT_SERVER_LISTENING <port>
// then one line per client connected, message received and client gone:
//   connected <id> from <address>
//   received from <id>: <text>          (binary frames: "received <n> bytes from <id>")
//   disconnected <id>: <code> <reason>
// Exits when stdin reaches EOF (so a JVM that started it and died leaves no orphan), on SIGTERM
// and on SIGINT. Started by dev.tether.samples.ws.WsDemoServer.
"use strict";

const http = require("http");
const { WebSocketServer, WebSocket } = require("ws");

const port = parseInt(process.argv[2] || "0", 10);
const intervalMs = parseInt(process.argv[3] || "3000", 10);
if (!(port >= 0 && port <= 65535) || !(intervalMs > 0)) {
  console.error("usage: node ws-text-server.js [port] [intervalMs]");
  process.exit(2);
}

// Never outlive the parent process: stdin closes when it exits.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume(); // without a reader, "end" is never emitted
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));

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

  ws.send(`welcome, ${id}: a message from the server follows every ${intervalMs} ms`);

  let count = 0;
  const timer = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return; // closing: send nothing more
    count += 1;
    ws.send(`message #${count} from the server`);
  }, intervalMs);

  ws.on("message", (data, isBinary) => {
    if (isBinary) console.log(`received ${data.length} bytes from ${id}`);
    else console.log(`received from ${id}: ${data.toString("utf8")}`);
  });
  ws.on("error", (error) => console.error(`error on ${id}: ${error.message}`));
  ws.on("close", (code, reason) => {
    clearInterval(timer); // no timer left behind for a gone client
    console.log(`disconnected ${id}: ${code} ${reason.toString("utf8")}`.trimEnd());
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`WS_TEXT_SERVER_LISTENING ${httpServer.address().port}`);
});
