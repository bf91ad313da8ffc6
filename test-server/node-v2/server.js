#!/usr/bin/env node
// Tether test server for the legacy dialect: the REAL socket.io 2.x server (version pinned in
// package.json: Engine.IO protocol 3, Socket.IO protocol 4) with the scenario handlers of
// ../node/server.js wherever socket.io 2.x has the API for them. Started by
// dev.tether.testserver.SocketIoServer.startV2.
//
// Usage:   node server.js '<json>'
//   json = {"options": {...socket.io 2.x Server options...}, "path"?: "/custom/", "port"?: 12345}
//   "port" picks a fixed port (to restart a server where clients expect it); default ephemeral.
//   The top-level "path" is a shorthand for options.path (the Engine.IO path, default "/socket.io").
//
// Listens on 127.0.0.1. Once listening, prints exactly one line to stdout:
//   TETHER_SERVER_LISTENING <port>
// Exits when stdin reaches EOF (the parent JVM died or closed the pipe), on SIGTERM and on SIGINT.
// Diagnostics go to stderr.
//
// Differences from ../node/server.js, all from the socket.io 2.x API:
//   - there is no `auth`: the client's credentials arrive in the namespace query, merged into
//     socket.handshake.query. "/secure" wants query token=good, "welcome" is query welcome=1.
//   - "recovered" always acknowledges false (2.x has no connection state recovery).
//   - events are counted by a per-socket middleware (2.x has no onAny).
//   - no /errors/ endpoints: they are HTTP-level and the 4.x server has them.
"use strict";

const http = require("http");
const createServer = require("socket.io");

let config;
try {
  config = JSON.parse(process.argv[2] || "{}");
} catch (e) {
  console.error(`tether-test-server-v2: invalid JSON argument: ${e.message}`);
  process.exit(2);
}
const options = Object.assign({}, config.options || {});
//   tetherRejectWebsocket: refuse every WebSocket handshake, the probe of an upgrade included, with
//                          400 "Bad request" (engine.io 3's allowRequest sees only new sessions, so
//                          the upgrade listeners are wrapped instead); polling keeps working.
const rejectWebsocket = !!options.tetherRejectWebsocket;
delete options.tetherRejectWebsocket;
if (config.path !== undefined && options.path === undefined) {
  options.path = config.path.replace(/\/$/, "");
}

// ---------------------------------------------------------------------------------------------
// Lifetime: never outlive the parent process.
// ---------------------------------------------------------------------------------------------
function shutdown(code) {
  process.exit(code);
}
process.stdin.on("end", () => shutdown(0));
process.stdin.on("close", () => shutdown(0));
process.stdin.on("error", () => shutdown(0));
process.stdin.resume(); // without a reader, "end" is never emitted
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));

// ---------------------------------------------------------------------------------------------
// socket.io and scenario handlers
// ---------------------------------------------------------------------------------------------
const httpServer = http.createServer();
const io = createServer(httpServer, options);
if (rejectWebsocket) {
  const engineListeners = httpServer.listeners("upgrade").slice();
  httpServer.removeAllListeners("upgrade");
  httpServer.on("upgrade", (req, socket, head) => {
    const transport = new URL(req.url, "http://127.0.0.1").searchParams.get("transport");
    if (transport === "websocket") {
      socket.end("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
        + "Connection: close\r\n\r\nBad request");
      return;
    }
    for (const listener of engineListeners) listener.call(httpServer, req, socket, head);
  });
}

const flakyAttempts = new Map();
// How many times each event name arrived, on any namespace, per server process.
const eventCounts = new Map();

/** Splits a trailing acknowledgement callback off an event's arguments. */
function splitAck(args) {
  if (args.length > 0 && typeof args[args.length - 1] === "function") {
    return [args.slice(0, -1), args[args.length - 1]];
  }
  return [args, null];
}

function onConnection(socket) {
  // Per-socket middleware sees every incoming event as [name, ...args].
  socket.use((packet, next) => {
    eventCounts.set(packet[0], (eventCounts.get(packet[0]) || 0) + 1);
    next();
  });
  // event-count(name, ack): how many times an event of that name arrived so far (any namespace).
  socket.on("event-count", (name, ack) => {
    if (typeof ack === "function") ack(eventCounts.get(name) || 0);
  });

  if (socket.handshake.query && socket.handshake.query.welcome) {
    socket.emit("welcome", { id: socket.id });
  }

  // Emits the same arguments (binary included) back as "echo"; a trailing ack is called with them.
  socket.on("echo", (...all) => {
    const [args, ack] = splitAck(all);
    socket.emit("echo", ...args);
    if (ack) ack(...args);
  });

  // Acknowledges with the event's arguments.
  socket.on("ack", (...all) => {
    const [args, ack] = splitAck(all);
    if (ack) ack(...args);
  });

  socket.on("server-disconnect", () => socket.disconnect()); // namespace DISCONNECT only
  socket.on("server-close", () => socket.disconnect(true)); // closes the Engine.IO connection
  socket.on("engine-close", () => socket.conn.close());

  // emit-count(n, payload): emits "counted"(i, payload) for i = 0..n-1, in order.
  socket.on("emit-count", (n, payload) => {
    for (let i = 0; i < n; i++) socket.emit("counted", i, payload);
  });

  // emit-stream(n, intervalMs): emits "streamed"(i) for i = 0..n-1, one every intervalMs.
  socket.on("emit-stream", (n, intervalMs) => {
    let i = 0;
    const timer = setInterval(() => {
      if (i >= n || socket.disconnected) return clearInterval(timer);
      socket.emit("streamed", i++);
    }, intervalMs);
  });

  // engine-id(ack): the Engine.IO connection id, this namespace's socket id and namespace name.
  socket.on("engine-id", (ack) => {
    if (typeof ack === "function") ack(socket.conn.id, socket.id, socket.nsp.name);
  });

  // ack-after(ms, ...args, ack): acknowledges with args after ms milliseconds (a late ack).
  socket.on("ack-after", (ms, ...rest) => {
    const [args, ack] = splitAck(rest);
    if (ack) setTimeout(() => ack(...args), ms);
  });

  // ask(event, ...args): emits event with args asking for an ack, then emits "answered" with
  // whatever the client acknowledged (binary included).
  socket.on("ask", (event, ...args) => {
    socket.emit(event, ...splitAck(args)[0], (...answer) => socket.emit("answered", ...answer));
  });

  // flaky(key, ignore, ...args, ack): ignores the first `ignore` attempts for `key`, then
  // acknowledges with (key, attempts so far). The state is per server process.
  socket.on("flaky", (key, ignore, ...rest) => {
    const [, ack] = splitAck(rest);
    const attempts = (flakyAttempts.get(key) || 0) + 1;
    flakyAttempts.set(key, attempts);
    if (attempts > ignore && ack) ack(key, attempts);
  });

  // flaky-count(key, ack): how many attempts the server saw for key.
  socket.on("flaky-count", (key, ack) => {
    if (typeof ack === "function") ack(flakyAttempts.get(key) || 0);
  });

  // join(room, ack): joins a room; acknowledges with the rooms this socket is in.
  socket.on("join", (room, ack) => {
    socket.join(room, () => {
      if (typeof ack === "function") ack(Object.keys(socket.rooms));
    });
  });

  // broadcast-room(room, ...args, ack): emits "room-news"(...args) to every socket of this
  // namespace in room (the sender included), then acknowledges.
  socket.on("broadcast-room", (room, ...rest) => {
    const [args, ack] = splitAck(rest);
    socket.nsp.to(room).emit("room-news", ...args);
    if (ack) ack();
  });

  // recovered(ack): socket.io 2.x has no connection state recovery.
  socket.on("recovered", (ack) => {
    if (typeof ack === "function") ack(false, socket.id);
  });

  // transport(ack): the name of the transport carrying this connection now.
  socket.on("transport", (ack) => {
    if (typeof ack === "function") ack(socket.conn.transport.name);
  });

  // emit-binary(size): emits "binary" with a Buffer where byte i = i % 256.
  socket.on("emit-binary", (size) => {
    const buf = Buffer.alloc(size);
    for (let i = 0; i < size; i++) buf[i] = i % 256;
    socket.emit("binary", buf);
  });

  // handshake(ack): the handshake's query (Engine.IO query merged with the namespace query) and
  // headers; auth is always null on 2.x.
  socket.on("handshake", (...all) => {
    const [, ack] = splitAck(all);
    if (ack) ack({ query: socket.handshake.query, auth: null, headers: socket.handshake.headers });
  });
}

// Root namespace (no middleware: the server sends the root CONNECT in the handshake response).
io.on("connection", onConnection);

// "/secure": namespace middleware; a refusal is an ERROR packet with err.data (or err.message).
const secure = io.of("/secure");
secure.use((socket, next) => {
  const query = socket.handshake.query || {};
  if (query.token !== "good") {
    next(Object.assign(new Error("not authorized"), { data: { reason: "bad token" } }));
  } else {
    next();
  }
});
secure.on("connection", onConnection);

// "/silent": a middleware that never calls next(): the namespace CONNECT is never answered.
io.of("/silent").use(() => {});

// Every other namespace (/admin, /chat, ...) is created on demand, except "/nope" (the server
// answers it with an "Invalid namespace" ERROR).
io.of(/^\/(?!nope$).*$/).on("connection", onConnection);

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------
httpServer.on("error", (e) => {
  console.error(`tether-test-server-v2: ${e.stack || e}`);
  shutdown(1);
});
httpServer.listen(config.port || 0, "127.0.0.1", () => {
  console.log(`TETHER_SERVER_LISTENING ${httpServer.address().port}`);
});
