#!/usr/bin/env node
// The room chat demo server (in the spirit of the classic GIF chat), for Tether's chat samples, the
// command bot and the load bot. Two namespaces share one connection:
//
//   /room  the room list
//     server -> client  "rooms"         [{ name, members }]            once, on connect
//     server -> client  "room-created"  { name, members }
//     server -> client  "room-removed"  name                          (an empty room, after 10 s)
//     client -> server  "create"        name, ack({ ok, room } | { ok: false, error })
//
//   /chat  the rooms themselves; auth { name } is required (1-32 characters), else connect_error
//     client -> server  "join"     room, ack({ ok, room, members: [name], history: [message] })
//     client -> server  "leave"    ack({ ok })
//     client -> server  "message"  { text }, ack({ ok, id, at } | { ok: false, error })
//     client -> server  "image"    { name, type }, <binary>, ack({ ok, id, size } | { ok: false, error })
//     client -> server  "members"  ack([name])
//     server -> client  "message"  { id, room, user, text, at }         to the others in the room
//     server -> client  "image"    { id, room, user, name, type, size }, <binary>
//     server -> client  "joined"   { room, user, at }                   to the others in the room
//     server -> client  "left"     { room, user, at }
//
// Connection state recovery is on (2 minutes): a client that loses its connection briefly gets the
// missed events and keeps its room; after a server restart it must join again.
//
// Usage:   node chat-server.js [port]       (default 0 = an ephemeral port)
//   env CHAT_QUIET=1: do not log each message (the load bot's runs)
//
// Listens on 127.0.0.1. Once listening, prints exactly one line to stdout:
//   CHAT_SERVER_LISTENING <port>
// then one line per event it handles (join, leave, message, image, create), for the samples' tests.
// Exits when stdin reaches EOF (so a JVM that started it and died leaves no orphan), on SIGTERM and
// on SIGINT. Started by dev.tether.samples.DemoServer.
"use strict";

const http = require("http");
const { Server } = require("socket.io");

const port = parseInt(process.argv[2] || "0", 10);
const quiet = process.env.CHAT_QUIET === "1";
if (!(port >= 0 && port <= 65535)) {
  console.error("usage: node chat-server.js [port]");
  process.exit(2);
}

process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));

const MAX_TEXT = 2000;
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
const HISTORY = 20;
const DEFAULT_ROOMS = ["general", "random"];
const EMPTY_ROOM_TTL_MS = 10_000;

const log = (line) => {
  if (!quiet) console.log(line);
};

const httpServer = http.createServer();
const io = new Server(httpServer, {
  maxHttpBufferSize: MAX_IMAGE_BYTES + 64 * 1024, // an image plus its packet header
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
});

/** name -> { name, history: [message], removeTimer } */
const rooms = new Map();
let nextMessageId = 1;

const roomNames = () => [...rooms.keys()];
const membersOf = (name) => {
  const ids = io.of("/chat").adapter.rooms.get(name) || new Set();
  return [...ids].map((id) => io.of("/chat").sockets.get(id)).filter(Boolean).map((s) => s.data.name);
};
const roomInfo = (name) => ({ name, members: membersOf(name).length });
const validRoomName = (name) => typeof name === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(name);
const reply = (ack, value) => {
  if (typeof ack === "function") ack(value);
};

function createRoom(name) {
  const room = { name, history: [], removeTimer: null };
  rooms.set(name, room);
  io.of("/room").emit("room-created", roomInfo(name));
  return room;
}

/** Removes a created room once it has stayed empty for a while (the default rooms stay). */
function scheduleRemovalIfEmpty(name) {
  const room = rooms.get(name);
  if (!room || DEFAULT_ROOMS.includes(name) || membersOf(name).length > 0 || room.removeTimer) return;
  room.removeTimer = setTimeout(() => {
    room.removeTimer = null;
    if (membersOf(name).length === 0) {
      rooms.delete(name);
      io.of("/room").emit("room-removed", name);
      log(`removed room ${name}`);
    }
  }, EMPTY_ROOM_TTL_MS);
}

DEFAULT_ROOMS.forEach((name) => rooms.set(name, { name, history: [], removeTimer: null }));

io.of("/room").on("connection", (socket) => {
  socket.emit("rooms", roomNames().map(roomInfo));
  socket.on("create", (name, ack) => {
    if (!validRoomName(name)) {
      return reply(ack, { ok: false, error: "a room name is 1-32 letters, digits, '-' or '_'" });
    }
    if (rooms.has(name)) return reply(ack, { ok: false, error: `room ${name} exists` });
    createRoom(name);
    scheduleRemovalIfEmpty(name);
    log(`created room ${name}`);
    reply(ack, { ok: true, room: roomInfo(name) });
  });
});

const chat = io.of("/chat");

chat.use((socket, next) => {
  const name = socket.handshake.auth && socket.handshake.auth.name;
  if (typeof name !== "string" || name.trim().length === 0 || name.length > 32) {
    const error = new Error("a name is required");
    error.data = { hint: "connect with auth { name: '<1-32 characters>' }" };
    return next(error);
  }
  socket.data.name = name.trim();
  next();
});

chat.on("connection", (socket) => {
  const user = socket.data.name;
  if (socket.recovered && socket.data.room) {
    // socket.io restored the room membership and socket.data: tell the others it is back.
    socket.to(socket.data.room).emit("joined", { room: socket.data.room, user, at: Date.now() });
    log(`recovered ${user} in ${socket.data.room}`);
  } else {
    socket.data.room = undefined;
    log(`connected ${user}`);
  }

  const leaveRoom = () => {
    const name = socket.data.room;
    if (!name) return;
    socket.leave(name);
    socket.data.room = undefined;
    socket.to(name).emit("left", { room: name, user, at: Date.now() });
    log(`left ${name} ${user}`);
    scheduleRemovalIfEmpty(name);
  };

  socket.on("join", (name, ack) => {
    if (!validRoomName(name)) return reply(ack, { ok: false, error: "invalid room name" });
    let room = rooms.get(name);
    if (!room) room = createRoom(name);
    if (room.removeTimer) {
      clearTimeout(room.removeTimer);
      room.removeTimer = null;
    }
    if (socket.data.room !== name) {
      leaveRoom();
      socket.join(name);
      socket.data.room = name;
      socket.to(name).emit("joined", { room: name, user, at: Date.now() });
      log(`joined ${name} ${user}`);
    }
    reply(ack, { ok: true, room: name, members: membersOf(name), history: room.history });
  });

  socket.on("leave", (ack) => {
    leaveRoom();
    reply(ack, { ok: true });
  });

  socket.on("members", (ack) => reply(ack, socket.data.room ? membersOf(socket.data.room) : []));

  socket.on("message", (payload, ack) => {
    const name = socket.data.room;
    const text = payload && payload.text;
    if (!name) return reply(ack, { ok: false, error: "join a room first" });
    if (typeof text !== "string" || text.length === 0 || text.length > MAX_TEXT) {
      return reply(ack, { ok: false, error: `text must be 1-${MAX_TEXT} characters` });
    }
    const message = { id: nextMessageId++, room: name, user, text, at: Date.now() };
    const room = rooms.get(name);
    if (room) {
      room.history.push(message);
      if (room.history.length > HISTORY) room.history.shift();
    }
    socket.to(name).emit("message", message);
    log(`message ${name} ${user}: ${text}`);
    reply(ack, { ok: true, id: message.id, at: message.at });
  });

  socket.on("image", (meta, data, ack) => {
    const name = socket.data.room;
    if (!name) return reply(ack, { ok: false, error: "join a room first" });
    if (!Buffer.isBuffer(data) || data.length === 0) {
      return reply(ack, { ok: false, error: "the image must be sent as binary" });
    }
    if (data.length > MAX_IMAGE_BYTES) {
      return reply(ack, { ok: false, error: `images are limited to ${MAX_IMAGE_BYTES} bytes` });
    }
    const info = {
      id: nextMessageId++,
      room: name,
      user,
      name: meta && typeof meta.name === "string" ? meta.name : "image",
      type: meta && typeof meta.type === "string" ? meta.type : "application/octet-stream",
      size: data.length,
    };
    socket.to(name).emit("image", info, data);
    log(`image ${name} ${user}: ${info.name} ${info.size} bytes`);
    reply(ack, { ok: true, id: info.id, size: info.size });
  });

  socket.on("disconnect", (reason) => {
    log(`disconnected ${user}: ${reason}`);
    // socket.io has already taken the socket out of its room. socket.data is left alone: with a
    // recoverable reason it was saved for recovery by reference, room included.
    // except(socket.id): the session saved for recovery is still in the room, and a recovered client
    // would otherwise get this notice about itself among the missed events.
    const name = socket.data.room;
    if (name) {
      chat.to(name).except(socket.id).emit("left", { room: name, user, at: Date.now() });
      log(`left ${name} ${user}`);
      scheduleRemovalIfEmpty(name);
    }
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`CHAT_SERVER_LISTENING ${httpServer.address().port}`);
});
