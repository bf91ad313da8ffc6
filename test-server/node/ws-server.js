#!/usr/bin/env node
// Tether's plain WebSocket test server: a REAL Node `ws` server (the version pinned in
// package.json), with a few behaviours selected by the request path, for the integration tests of
// Tether's plain-WebSocket sockets. Started by dev.tether.testserver.WsServer.
//
// Usage:   node ws-server.js '<json>'
//   json = {"options": {...see OPTIONS below...}, "port"?: 12345}
//   "port" picks a fixed port (to restart a server where its clients expect it); default ephemeral.
//
// Listens on 127.0.0.1. Once listening, prints exactly one line to stdout:
//   TETHER_WS_SERVER_LISTENING <port>
// Exits when stdin reaches EOF (the parent JVM died or closed the pipe), on SIGTERM and on SIGINT.
// Diagnostics (one line per connection opened or closed, errors) go to stderr.
//
// WebSocket paths (a query string is allowed and recorded, e.g. /raw?tag=my-test):
//   /raw        text frames are echoed as text, binary frames as binary, except these commands
//               (text frames of the form <command>:<argument>):
//                 close:<code>:<reason>  close with that code and reason ("close" alone: no code)
//                 say:<text>             send <text>
//                 push:<text>            send <text> to every open /raw connection
//                 big:<n>                send one text frame of n 'x' characters
//                 bigbin:<n>             send one binary frame of n bytes, byte i = i % 256
//                 burst:<n>              send n text frames "burst <i>", i = 0..n-1
//                 ping:<payload>         send a ping frame with that payload
//                 terminate              drop the TCP connection without a close frame
//               On connection sends the "greet" option's text, if set.
//   /envelope   JSON envelopes {<nameKey>: name, <dataKey>: data, <idKey>?: id} (keys configurable):
//                 join       -> {name:"hello", data:{a:"123", b:"234"}}
//                 echo       -> {name:"echo", data}
//                 ack        -> {name:"ack", data, id} with the request's id (correlation-id ack)
//                 lateack    -> the same, data.ms milliseconds later
//                 noack      never answered
//                 emit       -> {name: data.name, data: data.data} (any event the test asks for)
//                 broadcast  -> {name:"broadcast", data} to every open /envelope connection
//                 big        -> {name:"big", data: <data 'x' characters>}
//                 burst      -> data envelopes {name:"burst", data:i}, i = 0..data-1
//                 kick       close with 4001 and the reason data (a string) or "kicked"
//                 close      close with data.code and data.reason
//                 other names are recorded and not answered.
//               A frame that is not such an envelope (not JSON, no string name) is answered with
//               the text frame "unparsable"; the connection stays open. Binary frames are parsed as
//               UTF-8 JSON too. On connection sends {name:"welcome", data:<greet>} if "greet" is set.
//   /handshake  on connection sends one text frame, JSON {path, query, protocol, headers} of the
//               upgrade request; then behaves like /raw.
//   /silent     never sends anything (frames are recorded, pings answered unless autoPong false).
//   /reject/<status>  refuses the upgrade with that HTTP status (JSON body {status}).
//   /hang       never answers the upgrade request.
//   other paths are refused with 404.
//
// OPTIONS (all optional; an unknown option is an error):
//   greet         string   text sent on each connection (/raw: as is; /envelope: a welcome envelope)
//   nameKey       string   envelope key of the name (default "name"; e.g. "event")
//   dataKey       string   envelope key of the data (default "data")
//   idKey         string   envelope key of the correlation id (default "id")
//   autoPong      boolean  answer the client's pings (default true; false: a server that never
//                          answers pings while everything else works)
//   pingEveryMs   number   the server pings each connection this often (0: never, the default)
//   tickEveryMs   number   each connection gets "tick <n>" (/raw) or {name:"tick", data:n}
//                          (/envelope) this often (0: never, the default)
//   maxPayload    number   the largest frame accepted from a client, in bytes (ws default 100 MiB);
//                          a larger one closes the connection with 1009
//   deflate       boolean  offer permessage-deflate (default false)
//   protocols     [string] subprotocols the server accepts, in its order of preference (default:
//                          the first one the client offers)
//
// HTTP endpoints on the same port (for the Java side):
//   GET  /__stats                 {"connections":[...]} what each connection sent, its state, how it
//                                 closed (see record() below)
//   POST /__reset                 forget every closed connection and what the open ones sent
//   POST /__push[?path=/raw]      send the request body as one text frame to every open connection
//                                 (of that path); answers {"sent":n}
//   POST /__close?code=&reason=[&path=]  close every open connection (of that path); {"closed":n}
//   POST /__drop[?path=]          drop every open connection's TCP connection; {"dropped":n}
"use strict";

const http = require("http");
const { WebSocketServer, WebSocket } = require("ws");

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------
function fail(message) {
  console.error(`tether-ws-server: ${message}`);
  process.exit(2);
}

let config;
try {
  config = JSON.parse(process.argv[2] || "{}");
} catch (e) {
  fail(`invalid JSON argument: ${e.message}`);
}
if (config === null || typeof config !== "object" || Array.isArray(config)) {
  fail("the argument must be a JSON object");
}
const options = config.options === undefined ? {} : config.options;
if (options === null || typeof options !== "object" || Array.isArray(options)) {
  fail("options must be a JSON object");
}

const KNOWN_OPTIONS = {
  greet: "string",
  nameKey: "string",
  dataKey: "string",
  idKey: "string",
  autoPong: "boolean",
  pingEveryMs: "number",
  tickEveryMs: "number",
  maxPayload: "number",
  deflate: "boolean",
  protocols: "object",
};
for (const [key, value] of Object.entries(options)) {
  if (!(key in KNOWN_OPTIONS)) fail(`unknown option ${key}; known: ${Object.keys(KNOWN_OPTIONS).join(", ")}`);
  if (typeof value !== KNOWN_OPTIONS[key]) fail(`option ${key} must be a ${KNOWN_OPTIONS[key]}`);
}
for (const key of ["nameKey", "dataKey", "idKey"]) {
  if (options[key] === "") fail(`option ${key} must not be empty`);
}
for (const key of ["pingEveryMs", "tickEveryMs", "maxPayload"]) {
  if (options[key] !== undefined && !(Number.isInteger(options[key]) && options[key] >= 0)) {
    fail(`option ${key} must be a whole number >= 0`);
  }
}
if (options.protocols !== undefined &&
    !(Array.isArray(options.protocols) && options.protocols.every((p) => typeof p === "string"))) {
  fail("option protocols must be an array of strings");
}

const settings = {
  greet: options.greet === undefined ? null : options.greet,
  nameKey: options.nameKey || "name",
  dataKey: options.dataKey || "data",
  idKey: options.idKey || "id",
  pingEveryMs: options.pingEveryMs || 0,
  tickEveryMs: options.tickEveryMs || 0,
};
const port = config.port === undefined ? 0 : config.port;
if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) fail(`invalid port ${config.port}`);

// ---------------------------------------------------------------------------------------------
// Lifetime: never outlive the parent process, never die of one bad connection.
// ---------------------------------------------------------------------------------------------
const shutdown = (code) => process.exit(code);
process.stdin.on("end", () => shutdown(0));
process.stdin.on("close", () => shutdown(0));
process.stdin.on("error", () => shutdown(0));
process.stdin.resume(); // without a reader, "end" is never emitted
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));
// A test server must survive whatever a client under test sends: log a stray error and go on.
process.on("uncaughtException", (e) => console.error(`tether-ws-server: uncaught ${e.stack || e}`));

// ---------------------------------------------------------------------------------------------
// What each connection did (GET /__stats)
// ---------------------------------------------------------------------------------------------
const MAX_CONNECTIONS_KEPT = 10000;
const MAX_FRAMES_KEPT = 1000;
const MAX_TEXT_KEPT = 4096;

/** Connection records, oldest first; each open one also has .socket (not serialized). */
const connections = [];
let nextId = 1;

function record(req, url, mode) {
  const entry = {
    id: nextId++,
    mode, // "raw", "envelope", "handshake", "silent"
    path: url.pathname,
    query: url.search.startsWith("?") ? url.search.substring(1) : url.search,
    protocol: "",
    headers: req.headers,
    open: true,
    textFrames: 0,
    binaryFrames: 0,
    bytes: 0,
    received: [], // {binary, size, text?} of the first MAX_FRAMES_KEPT frames
    pings: 0, // pings received from the client
    pongs: 0, // pongs received from the client
    closeCode: null, // the client's close frame as ws reports it: 1005 no code, 1006 no frame at all
    closeReason: null,
    closedByServer: false, // the server closed first (a command, /__close, /__drop)
    serverCloseCode: null, // the close frame the server sent first, if any
    serverCloseReason: null,
  };
  connections.push(entry);
  if (connections.length > MAX_CONNECTIONS_KEPT) {
    const index = connections.findIndex((c) => !c.open);
    if (index >= 0) connections.splice(index, 1);
  }
  return entry;
}

function noteFrame(entry, data, isBinary) {
  entry.bytes += data.length;
  if (isBinary) entry.binaryFrames += 1;
  else entry.textFrames += 1;
  if (entry.received.length >= MAX_FRAMES_KEPT) return;
  const frame = { binary: isBinary, size: data.length };
  if (!isBinary) frame.text = data.subarray(0, MAX_TEXT_KEPT).toString("utf8");
  entry.received.push(frame);
}

function statsJson() {
  return JSON.stringify({
    connections: connections.map((c) => {
      const { socket, timers, ...plain } = c;
      return plain;
    }),
  });
}

function openConnections(path) {
  return connections.filter((c) => c.open && c.socket && (path === null || c.path === path));
}

// ---------------------------------------------------------------------------------------------
// Sending and closing
// ---------------------------------------------------------------------------------------------
function sendText(entry, text) {
  if (entry.socket.readyState === WebSocket.OPEN) entry.socket.send(text);
}

function sendBinary(entry, buffer) {
  if (entry.socket.readyState === WebSocket.OPEN) entry.socket.send(buffer, { binary: true });
}

function envelope(name, data, id) {
  const message = { [settings.nameKey]: name };
  if (data !== undefined) message[settings.dataKey] = data;
  if (id !== undefined) message[settings.idKey] = id;
  return JSON.stringify(message);
}

/** Closes with code and reason; an invalid code (ws throws) is reported to the client instead. */
function closeWith(entry, code, reason) {
  try {
    entry.socket.close(code, reason);
  } catch (e) {
    return sendText(entry, `invalid close: ${e.message}`);
  }
  noteServerClose(entry, code, reason);
  return undefined;
}

function noteServerClose(entry, code, reason) {
  if (entry.closedByServer) return;
  entry.closedByServer = true;
  entry.serverCloseCode = code === undefined ? null : code;
  entry.serverCloseReason = reason === undefined ? null : reason;
}

function patternBytes(size) {
  const buffer = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buffer[i] = i % 256;
  return buffer;
}

/** A non-negative whole number from a command argument or envelope data, else null. */
function count(value) {
  const n = typeof value === "number" ? value : Number.parseInt(String(value), 10);
  return Number.isInteger(n) && n >= 0 && n <= 512 * 1024 * 1024 ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Behaviours
// ---------------------------------------------------------------------------------------------
function onRawFrame(entry, data, isBinary) {
  if (isBinary) return sendBinary(entry, data);
  const text = data.toString("utf8");
  const colon = text.indexOf(":");
  const command = colon < 0 ? text : text.substring(0, colon);
  const argument = colon < 0 ? "" : text.substring(colon + 1);
  switch (command) {
    case "close": {
      if (colon < 0) {
        entry.socket.close();
        return noteServerClose(entry, undefined, undefined);
      }
      const second = argument.indexOf(":");
      const code = Number.parseInt(second < 0 ? argument : argument.substring(0, second), 10);
      return closeWith(entry, code, second < 0 ? undefined : argument.substring(second + 1));
    }
    case "say":
      return colon < 0 ? sendText(entry, text) : sendText(entry, argument);
    case "push":
      if (colon < 0) return sendText(entry, text);
      return openConnections(null).filter((c) => c.mode === "raw").forEach((c) => sendText(c, argument));
    case "big": {
      const n = count(argument);
      if (n === null) return sendText(entry, text);
      if (entry.socket.readyState === WebSocket.OPEN) entry.socket.send(Buffer.alloc(n, "x"), { binary: false });
      return undefined;
    }
    case "bigbin": {
      const n = count(argument);
      return n === null ? sendText(entry, text) : sendBinary(entry, patternBytes(n));
    }
    case "burst": {
      const n = count(argument);
      if (n === null) return sendText(entry, text);
      for (let i = 0; i < n; i++) sendText(entry, `burst ${i}`);
      return;
    }
    case "ping":
      if (colon < 0) return sendText(entry, text);
      return entry.socket.ping(argument);
    case "terminate":
      if (colon >= 0) return sendText(entry, text);
      noteServerClose(entry, undefined, undefined);
      return entry.socket.terminate();
    default:
      return sendText(entry, text);
  }
}

function onEnvelopeFrame(entry, data) {
  let message;
  try {
    message = JSON.parse(data.toString("utf8"));
  } catch (e) {
    message = null;
  }
  if (message === null || typeof message !== "object" || Array.isArray(message) ||
      typeof message[settings.nameKey] !== "string") {
    return sendText(entry, "unparsable");
  }
  const name = message[settings.nameKey];
  const payload = message[settings.dataKey];
  const id = message[settings.idKey];
  switch (name) {
    case "join":
      return sendText(entry, envelope("hello", { a: "123", b: "234" }));
    case "echo":
      return sendText(entry, envelope("echo", payload));
    case "ack":
      return sendText(entry, envelope("ack", payload, id));
    case "lateack": {
      const ms = payload && count(payload.ms);
      return setTimeout(() => sendText(entry, envelope("ack", payload, id)), ms || 0);
    }
    case "noack":
      return undefined;
    case "emit":
      if (payload && typeof payload === "object" && typeof payload.name === "string") {
        return sendText(entry, envelope(payload.name, payload.data));
      }
      return sendText(entry, "unparsable");
    case "broadcast":
      return openConnections(null)
        .filter((c) => c.mode === "envelope")
        .forEach((c) => sendText(c, envelope("broadcast", payload)));
    case "big": {
      const n = count(payload);
      return n === null ? sendText(entry, "unparsable") : sendText(entry, envelope("big", "x".repeat(n)));
    }
    case "burst": {
      const n = count(payload);
      if (n === null) return sendText(entry, "unparsable");
      for (let i = 0; i < n; i++) sendText(entry, envelope("burst", i));
      return undefined;
    }
    case "kick":
      return closeWith(entry, 4001, typeof payload === "string" ? payload : "kicked");
    case "close":
      if (payload && typeof payload === "object") return closeWith(entry, payload.code, payload.reason);
      return sendText(entry, "unparsable");
    default:
      return undefined; // recorded only
  }
}

function onConnection(ws, req, url, mode) {
  const entry = record(req, url, mode);
  entry.socket = ws;
  entry.protocol = ws.protocol;
  entry.timers = [];
  console.error(`tether-ws-server: open #${entry.id} ${url.pathname}${url.search}`);

  ws.on("error", (e) => console.error(`tether-ws-server: #${entry.id} error: ${e.message}`));
  ws.on("ping", () => { entry.pings += 1; });
  ws.on("pong", () => { entry.pongs += 1; });
  ws.on("close", (code, reason) => {
    entry.open = false;
    entry.closeCode = code;
    entry.closeReason = reason.toString("utf8");
    entry.timers.forEach(clearInterval);
    delete entry.socket;
    console.error(`tether-ws-server: closed #${entry.id} ${code} ${entry.closeReason}`);
  });
  ws.on("message", (data, isBinary) => {
    noteFrame(entry, data, isBinary);
    try {
      if (mode === "raw" || mode === "handshake") onRawFrame(entry, data, isBinary);
      else if (mode === "envelope") onEnvelopeFrame(entry, data);
    } catch (e) {
      console.error(`tether-ws-server: #${entry.id} handler failed: ${e.stack || e}`);
    }
  });

  if (settings.pingEveryMs > 0) {
    entry.timers.push(setInterval(() => ws.readyState === WebSocket.OPEN && ws.ping(), settings.pingEveryMs));
  }
  if (settings.tickEveryMs > 0 && mode !== "silent") {
    let tick = 0;
    entry.timers.push(setInterval(() => {
      tick += 1;
      sendText(entry, mode === "envelope" ? envelope("tick", tick) : `tick ${tick}`);
    }, settings.tickEveryMs));
  }

  if (mode === "handshake") {
    sendText(entry, JSON.stringify({
      path: url.pathname,
      query: entry.query,
      protocol: ws.protocol,
      headers: req.headers,
    }));
  } else if (settings.greet !== null && mode === "raw") {
    sendText(entry, settings.greet);
  } else if (settings.greet !== null && mode === "envelope") {
    sendText(entry, envelope("welcome", settings.greet));
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: upgrades by path, and the control endpoints
// ---------------------------------------------------------------------------------------------
const MODES = { "/raw": "raw", "/envelope": "envelope", "/handshake": "handshake", "/silent": "silent" };

const wss = new WebSocketServer({
  noServer: true,
  autoPong: options.autoPong !== false,
  maxPayload: options.maxPayload === undefined ? 100 * 1024 * 1024 : options.maxPayload,
  perMessageDeflate: options.deflate === true,
  // Without the option ws picks the first subprotocol the client offers.
  handleProtocols: options.protocols === undefined
    ? undefined
    : (offered) => options.protocols.find((p) => offered.has(p)) || false,
});
wss.on("error", (e) => console.error(`tether-ws-server: ${e.stack || e}`));

function refuseUpgrade(socket, status) {
  const body = JSON.stringify({ status });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] || "Status"}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body
  );
}

const hanging = new Set();

function onUpgrade(req, socket, head) {
  socket.on("error", () => socket.destroy());
  const url = new URL(req.url, "http://127.0.0.1");
  const mode = MODES[url.pathname];
  if (mode) {
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, url, mode));
    return;
  }
  if (url.pathname === "/hang") {
    hanging.add(socket);
    socket.on("close", () => hanging.delete(socket));
    return;
  }
  const rejected = /^\/reject\/(\d{3})$/.exec(url.pathname);
  if (rejected) {
    const status = Number.parseInt(rejected[1], 10);
    return refuseUpgrade(socket, status >= 200 && status <= 599 && status !== 101 ? status : 500);
  }
  refuseUpgrade(socket, 404);
}

function answer(res, status, value) {
  const body = typeof value === "string" ? value : JSON.stringify(value);
  res.writeHead(status, {
    "Content-Type": typeof value === "string" ? "text/plain; charset=UTF-8" : "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function onRequest(req, res) {
  const url = new URL(req.url, "http://127.0.0.1");
  const path = url.searchParams.has("path") ? url.searchParams.get("path") : null;
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /__stats":
        return answer(res, 200, statsJson());
      case "POST /__reset": {
        for (let i = connections.length - 1; i >= 0; i--) {
          const c = connections[i];
          if (!c.open) {
            connections.splice(i, 1);
          } else {
            Object.assign(c, { textFrames: 0, binaryFrames: 0, bytes: 0, received: [], pings: 0, pongs: 0 });
          }
        }
        return answer(res, 200, { connections: connections.length });
      }
      case "POST /__push": {
        const text = Buffer.concat(chunks).toString("utf8");
        const targets = openConnections(path);
        targets.forEach((c) => sendText(c, text));
        return answer(res, 200, { sent: targets.length });
      }
      case "POST /__close": {
        const code = url.searchParams.has("code") ? Number.parseInt(url.searchParams.get("code"), 10) : 1001;
        const reason = url.searchParams.get("reason") || "";
        const targets = openConnections(path);
        try {
          targets.forEach((c) => {
            c.socket.close(code, reason);
            noteServerClose(c, code, reason);
          });
        } catch (e) {
          return answer(res, 400, { error: e.message });
        }
        return answer(res, 200, { closed: targets.length });
      }
      case "POST /__drop": {
        const targets = openConnections(path);
        targets.forEach((c) => {
          noteServerClose(c, undefined, undefined);
          c.socket.terminate();
        });
        return answer(res, 200, { dropped: targets.length });
      }
      default:
        return answer(res, 404, "tether ws test server: WebSocket paths /raw, /envelope, /handshake, /silent\n");
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Start (on a fixed port, retry a little: the previous process may still be releasing it)
// ---------------------------------------------------------------------------------------------
const httpServer = http.createServer(onRequest);
httpServer.on("upgrade", onUpgrade);
httpServer.on("clientError", (e, socket) => socket.destroy());

let attempts = 0;
httpServer.on("error", (e) => {
  if (e.code === "EADDRINUSE" && port !== 0 && attempts < 50) {
    attempts += 1;
    setTimeout(listen, 100);
    return;
  }
  console.error(`tether-ws-server: ${e.stack || e}`);
  shutdown(1);
});
function listen() {
  httpServer.listen(port, "127.0.0.1");
}
httpServer.on("listening", () => {
  console.log(`TETHER_WS_SERVER_LISTENING ${httpServer.address().port}`);
});
listen();
