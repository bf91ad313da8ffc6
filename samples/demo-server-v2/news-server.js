#!/usr/bin/env node
// The news/reply demo server on socket.io 2.x (Engine.IO v3, Socket.IO protocol v4), for the news
// sample's --dialect socket.io-2; otherwise as samples/demo-server/news-server.js.
// The news/reply demo server (the classic socket.io warm-up): every client that connects gets a
// `news` event at once and then every few seconds, and each `reply` it sends back is logged.
//
// Usage:   node news-server.js [port]       (default 0 = an ephemeral port)
//   env NEWS_INTERVAL_MS: milliseconds between two news (default 3000)
//
// Listens on 127.0.0.1. Once listening, prints exactly one line to stdout:
//   NEWS_SERVER_LISTENING <port>
// then its side of each conversation, one line per event:
//   connected <socket id>
//   reply from <socket id>: <payload>
//   disconnected <socket id>: <reason>
// (NewsSample shows these lines among its own, prefixed with "server: ".)
// Exits when stdin reaches EOF (so a JVM that started it and died leaves no orphan), on SIGTERM
// and on SIGINT. Started by dev.tether.samples.news.NewsServer.
"use strict";

const http = require("http");
const createServer = require("socket.io");

const port = parseInt(process.argv[2] || "0", 10);
const intervalMs = parseInt(process.env.NEWS_INTERVAL_MS || "3000", 10);
if (!(port >= 0 && port <= 65535) || !(intervalMs > 0)) {
  console.error("usage: NEWS_INTERVAL_MS=<ms> node news-server.js [port]");
  process.exit(2);
}

// Never outlive the parent process: stdin closes when it exits.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume(); // without a reader, "end" is never emitted
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));

const httpServer = http.createServer();
const io = createServer(httpServer);

io.on("connection", (socket) => {
  console.log(`connected ${socket.id}`);
  let count = 0;
  const sendNews = () => {
    count += 1;
    socket.emit("news", `news #${count} from the demo server`);
  };
  sendNews(); // the first one at once...
  const timer = setInterval(sendNews, intervalMs); // ...then one every interval
  socket.on("disconnect", (reason) => {
    clearInterval(timer);
    console.log(`disconnected ${socket.id}: ${reason}`);
  });

  socket.on("reply", (payload) => {
    console.log(`reply from ${socket.id}: ${payload}`);
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`NEWS_SERVER_LISTENING ${httpServer.address().port}`);
});
