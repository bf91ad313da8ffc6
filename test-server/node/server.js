#!/usr/bin/env node
// Tether test server: the REAL socket.io server (version pinned in package.json) plus a few
// scenario handlers and deliberately broken HTTP endpoints, for Tether's integration tests,
// samples and benchmarks. Started by dev.tether.testserver.SocketIoServer.
//
// Usage:   node server.js '<json>'
//   json = {"options": {...socket.io Server options...}, "path"?: "/custom/", "port"?: 12345,
//           "tls"?: {"cert": "/path/chain.pem", "key": "/path/key.pem"}}
//   "port" picks a fixed port (to restart a server where clients expect it); default ephemeral.
//   "tls" serves HTTPS and WSS with that certificate chain and private key (PEM files).
//   The top-level "path" is a shorthand for options.path (the Engine.IO path, default "/socket.io/").
//
// Listens on 127.0.0.1, ephemeral port. Once listening, prints exactly one line to stdout:
//   TETHER_SERVER_LISTENING <port>
// Exits when stdin reaches EOF (the parent JVM died or closed the pipe), on SIGTERM and on SIGINT.
// Diagnostics go to stderr.
"use strict";

const fs = require("fs");
const http = require("http");
const https = require("https");
const { Server } = require("socket.io");

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------
let config;
try {
  config = JSON.parse(process.argv[2] || "{}");
} catch (e) {
  console.error(`tether-test-server: invalid JSON argument: ${e.message}`);
  process.exit(2);
}
const options = Object.assign({}, config.options || {});
// Test-only switches travel inside the options object (SocketIoServer.start passes socket.io
// options only); take them out before socket.io sees them.
//   tetherLogRequests: record method, transport, sid and Cookie header of every Engine.IO request
//                      (polling and WebSocket upgrades), readable at GET /__requests?sid=<sid>.
//   tetherRejectWebsocket: refuse every WebSocket handshake, the probe of an upgrade included, with
//                      an engine.io middleware error (400 "Bad request"); polling keeps working.
const logRequests = !!options.tetherLogRequests;
const rejectWebsocket = !!options.tetherRejectWebsocket;
delete options.tetherLogRequests;
delete options.tetherRejectWebsocket;

if (config.path !== undefined && options.path === undefined) {
  options.path = config.path;
}

// ---------------------------------------------------------------------------------------------
// Lifetime: never outlive the parent process.
// ---------------------------------------------------------------------------------------------
function shutdown(code) {
  // Exit at once: a graceful httpServer.close() would wait for /errors/hang requests forever.
  process.exit(code);
}
process.stdin.on("end", () => shutdown(0));
process.stdin.on("close", () => shutdown(0));
process.stdin.on("error", () => shutdown(0));
process.stdin.resume(); // without a reader, "end" is never emitted
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));

// ---------------------------------------------------------------------------------------------
// Error endpoints: /errors/<kind>/... (any path below works, e.g. /errors/status/503/socket.io/).
// Plain requests: the "request" listener is registered BEFORE socket.io is attached, so engine.io
// forwards to it only the requests outside its own path; the two never answer the same request.
// Upgrade requests (WebSocket, or Java HttpClient's "Upgrade: h2c") get the same answers written
// raw on the socket, so the endpoints also work for a WebSocket-only client.
// ---------------------------------------------------------------------------------------------
const FAKE_HANDSHAKE =
  '0{"sid":"fake","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const TEXT = "text/plain; charset=UTF-8";

/** How to answer an /errors/ request: null (not an error endpoint), "hang", "reset" or a response. */
function errorResponse(req) {
  const url = new URL(req.url, "http://127.0.0.1");
  if (!url.pathname.startsWith("/errors/")) return null;
  const segments = url.pathname.split("/"); // ["", "errors", kind, ...]
  const kind = segments[2];
  switch (kind) {
    case "status": {
      let status = parseInt(segments[3], 10);
      if (!(status >= 100 && status <= 599)) status = 500;
      return { status, type: "application/json", body: JSON.stringify({ code: 99, message: `status ${status}` }) };
    }
    case "garbage":
      return { status: 200, type: "text/plain", body: "this is not engine.io" };
    case "empty":
      return { status: 200, type: TEXT, body: "" };
    case "hang":
      return "hang"; // never respond; the socket stays open
    case "reset":
      return "reset"; // destroy the socket without responding
    case "handshake-then-garbage":
    case "handshake-then-close":
      if (!url.searchParams.has("sid")) return { status: 200, type: TEXT, body: FAKE_HANDSHAKE };
      if (req.method === "POST") return { status: 200, type: "text/html", body: "ok" };
      // "xyz": not a valid Engine.IO packet; "1": an Engine.IO CLOSE packet.
      return { status: 200, type: TEXT, body: kind === "handshake-then-garbage" ? "xyz" : "1" };
    default:
      return { status: 404, type: "text/plain", body: `unknown error endpoint ${kind}` };
  }
}

function onRequest(req, res) {
  const answer = errorResponse(req);
  if (answer === null) return; // not ours (and not engine.io's): hangs, like a bare http server
  req.resume(); // drain any request body (POSTs)
  if (answer === "hang") return;
  if (answer === "reset") return req.socket.destroy();
  res.writeHead(answer.status, {
    "Content-Type": answer.type,
    "Content-Length": Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

function onUpgrade(req, socket) {
  const answer = errorResponse(req);
  if (answer === null) {
    // engine.io handles its own path; other upgrades are destroyed as engine.io would do by
    // default (we turned its destroyUpgrade off, since it would also end "hang" after 1 s).
    // With WebSocket disabled engine.io does not listen for upgrades at all; a bare Node server
    // then drops the connection, so do the same instead of leaving it hanging.
    if (!req.url.startsWith(enginePath) || !websocketEnabled) socket.destroy();
    return;
  }
  if (answer === "hang") return;
  if (answer === "reset") return socket.destroy();
  socket.end(
    `HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status] || "Status"}\r\n` +
      `Content-Type: ${answer.type}\r\n` +
      `Content-Length: ${Buffer.byteLength(answer.body)}\r\n` +
      "Connection: close\r\n\r\n" +
      answer.body
  );
}

// Request log (tetherLogRequests): bounded, so a long load test cannot grow it without limit.
const requestLog = [];
function logRequest(req) {
  const url = new URL(req.url, "http://127.0.0.1");
  if (!url.pathname.startsWith(enginePath)) return;
  if (requestLog.length >= 10000) requestLog.shift();
  requestLog.push({
    method: req.method,
    transport: url.searchParams.get("transport"),
    sid: url.searchParams.get("sid"),
    cookie: req.headers.cookie || null,
  });
}
function onLogRequest(req, res) {
  const url = new URL(req.url, "http://127.0.0.1");
  if (url.pathname !== "/__requests") return false;
  const sid = url.searchParams.get("sid");
  const body = JSON.stringify(requestLog.filter((entry) => entry.sid === sid));
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
  return true;
}

const httpServer = config.tls
  ? https.createServer({ cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) })
  : http.createServer();
httpServer.on("request", (req, res) => {
  if (!onLogRequest(req, res)) onRequest(req, res);
});
httpServer.on("upgrade", onUpgrade);

if (options.destroyUpgrade === undefined) options.destroyUpgrade = false;
const websocketEnabled = !Array.isArray(options.transports) || options.transports.includes("websocket");

// ---------------------------------------------------------------------------------------------
// socket.io and scenario handlers
// ---------------------------------------------------------------------------------------------
const io = new Server(httpServer, options);
// The prefix engine.io matches request URLs against (io.path() has no trailing slash).
const enginePath = io.path() + (options.addTrailingSlash === false ? "" : "/");
// After socket.io attached: engine.io takes over the "request" listeners present at attach time and
// calls them only for paths outside its own; a listener prepended now sees every request first.
if (rejectWebsocket) {
  io.engine.use((req, res, next) => {
    const transport = new URL(req.url, "http://127.0.0.1").searchParams.get("transport");
    next(transport === "websocket" ? new Error("websockets are refused here") : undefined);
  });
}
if (logRequests) {
  httpServer.prependListener("request", logRequest);
  httpServer.prependListener("upgrade", logRequest);
}

const flakyAttempts = new Map();
// How many times each event name arrived, on any namespace (onAny), per server process.
const eventCounts = new Map();

/** Splits a trailing acknowledgement callback off an event's arguments. */
function splitAck(args) {
  if (args.length > 0 && typeof args[args.length - 1] === "function") {
    return [args.slice(0, -1), args[args.length - 1]];
  }
  return [args, null];
}

function onConnection(socket) {
  socket.onAny((name) => eventCounts.set(name, (eventCounts.get(name) || 0) + 1));
  // event-count(name, ack): how many times an event of that name arrived so far (any namespace).
  socket.on("event-count", (name, ack) => {
    if (typeof ack === "function") ack(eventCounts.get(name) || 0);
  });

  if (socket.handshake.auth && socket.handshake.auth.welcome) {
    socket.emit("welcome", { id: socket.id });
  }

  // Emits the same arguments (binary included) back as "echo". A trailing ack callback is not
  // sent back (it would turn the echo into a server-side ack request); it is called instead,
  // with the same arguments.
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

  // bench-burst(n): emits "tick"({i}) for i = 0..n-1 as fast as it can, for the benchmarks' burst
  // row: in chunks, yielding to the event loop between them (setImmediate) so that pings, other
  // sockets and a disconnect still get through; stops when the socket disconnects.
  socket.on("bench-burst", (n) => {
    const CHUNK = 1000;
    let i = 0;
    const chunk = () => {
      if (socket.disconnected) return;
      const end = Math.min(n, i + CHUNK);
      for (; i < end; i++) socket.emit("tick", { i });
      if (i < n) setImmediate(chunk);
    };
    chunk();
  });

  // emit-stream(n, intervalMs): emits "streamed"(i) for i = 0..n-1, one every intervalMs.
  socket.on("emit-stream", (n, intervalMs) => {
    let i = 0;
    const timer = setInterval(() => {
      if (i >= n || socket.disconnected) return clearInterval(timer);
      socket.emit("streamed", i++);
    }, intervalMs);
  });

  // engine-id(ack): acknowledges with the Engine.IO connection id (equal for multiplexed namespaces)
  // and this namespace's socket id.
  socket.on("engine-id", (ack) => {
    if (typeof ack === "function") ack(socket.conn.id, socket.id, socket.nsp.name);
  });

  // ack-after(ms, ...args, ack): acknowledges with args after ms milliseconds (a late ack).
  socket.on("ack-after", (ms, ...rest) => {
    const [args, ack] = splitAck(rest);
    if (ack) setTimeout(() => ack(...args), ms);
  });

  // ask(event, ...args): emits event with args to this client asking for an ack, then emits
  // "answered" with whatever the client acknowledged (binary included).
  socket.on("ask", (event, ...args) => {
    socket.emit(event, ...splitAck(args)[0], (...answer) => socket.emit("answered", ...answer));
  });

  // flaky(key, ignore, ...args, ack): ignores the first `ignore` attempts for `key` (never acks
  // them), then acknowledges with (key, attempts so far). The state is per server process.
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
    socket.join(room);
    if (typeof ack === "function") ack([...socket.rooms]);
  });

  // broadcast-room(room, ...args, ack): emits "room-news"(...args) to every socket of this namespace
  // in room (the sender included), then acknowledges.
  socket.on("broadcast-room", (room, ...rest) => {
    const [args, ack] = splitAck(rest);
    socket.nsp.to(room).emit("room-news", ...args);
    if (ack) ack();
  });

  // recovered(ack): whether the server recovered this socket's session (connection state recovery).
  socket.on("recovered", (ack) => {
    if (typeof ack === "function") ack(socket.recovered === true, socket.id);
  });

  // transport(ack): acknowledges with the name of the transport carrying this connection now.
  socket.on("transport", (ack) => {
    if (typeof ack === "function") ack(socket.conn.transport.name);
  });

  // emit-binary(size): emits "binary" with a Buffer where byte i = i % 256.
  socket.on("emit-binary", (size) => {
    const buf = Buffer.alloc(size);
    for (let i = 0; i < size; i++) buf[i] = i % 256;
    socket.emit("binary", buf);
  });

  socket.on("handshake", (...all) => {
    const [, ack] = splitAck(all);
    if (ack) {
      ack({
        query: socket.handshake.query,
        auth: socket.handshake.auth,
        headers: socket.handshake.headers,
      });
    }
  });
}

// Root namespace.
io.on("connection", onConnection);

// "/secure": explicit namespace with an auth middleware (explicit namespaces never go through
// the dynamic-namespace regex below).
const secure = io.of("/secure");
secure.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (auth.token !== "good") {
    next(Object.assign(new Error("not authorized"), { data: { reason: "bad token" } }));
  } else {
    next();
  }
});
secure.on("connection", onConnection);

// "/silent": a middleware that never calls next(), so the server never answers the namespace CONNECT
// (neither accepts nor refuses it): for the client's connect timeout.
io.of("/silent").use(() => {});

// Every other namespace (/admin, /chat, ...) is created on demand, except "/nope", so that
// connecting to it yields the "Invalid namespace" connect error.
io.of(/^\/(?!nope$).*$/).on("connection", onConnection);

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------
httpServer.on("error", (e) => {
  console.error(`tether-test-server: ${e.stack || e}`);
  shutdown(1);
});
httpServer.listen(config.port || 0, "127.0.0.1", () => {
  console.log(`TETHER_SERVER_LISTENING ${httpServer.address().port}`);
});
