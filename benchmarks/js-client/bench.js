#!/usr/bin/env node
// The JavaScript column of Tether's end-to-end benchmarks: socket.io-client (pinned in
// package.json) on Node runs one scenario against the benchmark's server and prints its values.
// Started by dev.tether.bench.e2e.JsClient, once per measured run.
//
// Usage:   node --expose-gc bench.js '<json>'
//   json = {"scenario": "echo", "url": "http://127.0.0.1:1234", "warmups": 0 | 1, "params": {...}}
//   scenarios and their params: connect {transports, count}, echo {transports, count, window},
//   ack {count}, binary {count, size, window}, burst {count}, slow-listener {sleepMillis}
//   transports: "DEFAULT" (polling, then the upgrade), "WEBSOCKET" or "POLLING".
//
// Measures like the Java harness's Meter: this process's CPU time (process.cpuUsage(): user +
// system, all threads of Node) and wall time, after a collection (global.gc with --expose-gc).
// Prints on stdout, one line each: "BENCH_MARK start" and "BENCH_MARK stop" around the measured
// part (the harness reads the server's CPU then), and at the end
// "BENCH_RESULT {"values": [...], "note": "..."}" with the values in the order of the Java
// scenario's metrics (null where this client measures none), or "BENCH_RESULT {"error": "..."}".
"use strict";

const { io } = require("socket.io-client");

const TEXT = "Hello from the benchmark! The quick brown fox jumps over the lazy dog, twice: 0123456789.";
const CONNECT_TIMEOUT_MS = 15000;

/** The chat-like event of every scenario, as the Java Msg; received objects are bound to it. */
class Msg {
  constructor(seq, user, text, ts) {
    this.seq = seq;
    this.user = user;
    this.text = text;
    this.ts = ts;
  }

  static sample(seq) {
    return new Msg(seq, "alice", TEXT, 1700000000000 + seq);
  }

  static from(object) {
    return new Msg(object.seq, object.user, object.text, object.ts);
  }
}

/** The burst row's event {i}, as the Java Tick. */
class Tick {
  constructor(i) {
    this.i = i;
  }
}

// ---- measuring --------------------------------------------------------------------------------

let measuring = false; // false during the warm-up pass: no marks then

function mark(what) {
  if (measuring) console.log(`BENCH_MARK ${what}`);
}

function cpuNanos() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

function now() {
  return process.hrtime.bigint();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A collection before a measurement, as Meter.collect(). */
async function collect() {
  if (global.gc) global.gc();
  await sleep(50);
}

/** Starts measuring CPU and wall time; stop() returns both in nanoseconds. */
function meter() {
  mark("start");
  const cpu0 = cpuNanos();
  const start = now();
  return {
    stop() {
      const spent = { cpu: cpuNanos() - cpu0, wall: Number(now() - start) };
      mark("stop");
      return spent;
    },
  };
}

/** The value at percentile p of nanosecond samples, as HdrHistogram's getValueAtPercentile. */
function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---- connections ------------------------------------------------------------------------------

const TRANSPORTS = { DEFAULT: undefined, WEBSOCKET: ["websocket"], POLLING: ["polling"] };

/** A connection of its own (forceNew), not connected yet: register listeners, then connect(). */
function open(url, transports) {
  return io(url, { forceNew: true, reconnection: false, autoConnect: false, transports: TRANSPORTS[transports] });
}

function connect(socket) {
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", (error) => reject(new Error(`connect error: ${error.message}`)));
      socket.connect();
    }),
    CONNECT_TIMEOUT_MS,
    "connect"
  );
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A promise with its resolve and reject outside. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// ---- scenarios: each returns its values in the order of the Java scenario's metrics -----------

/** Sequential connects: latency p50, p99 (ms) and CPU per connect + close (ms). */
async function connectScenario(url, { transports, count }) {
  const latencies = [];
  await collect();
  const m = meter();
  for (let i = 0; i < count; i++) {
    const start = now();
    const socket = open(url, transports);
    await connect(socket);
    latencies.push(Number(now() - start));
    socket.close();
  }
  const spent = m.stop();
  return [percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6, spent.cpu / 1e6 / count];
}

/** Echo with `window` events in flight: CPU per 100k echoes (s), echoes per second, server CPU (filled by Java). */
async function echoScenario(url, { transports, count, window }) {
  const socket = open(url, transports);
  const done = deferred();
  let next = 0;
  let received = 0;
  let seqSum = 0;
  socket.on("echo", (object) => {
    const msg = Msg.from(object);
    seqSum += msg.seq;
    if (msg.text !== TEXT) done.reject(new Error(`wrong echo ${JSON.stringify(object)}`));
    const seq = next++;
    if (seq < count) socket.emit("echo", Msg.sample(seq));
    if (++received === count) done.resolve();
  });
  try {
    await connect(socket);
    await collect();
    const m = meter();
    for (let i = 0; i < window; i++) {
      const seq = next++;
      if (seq < count) socket.emit("echo", Msg.sample(seq));
    }
    await withTimeout(done.promise, 30000 + count, `echo of ${count}`);
    const spent = m.stop();
    const expected = (count * (count - 1)) / 2;
    if (seqSum !== expected) throw new Error(`echoes do not add up: sum of seq ${seqSum}, expected ${expected}`);
    const per100k = 100000 / count;
    return [(spent.cpu / 1e9) * per100k, count / (spent.wall / 1e9), null];
  } finally {
    socket.close();
  }
}

/** Sequential acks, the natural way (await emitWithAck): latency p50, p99 (µs) and CPU per ack (µs). */
async function ackScenario(url, { count }) {
  const socket = open(url, "WEBSOCKET");
  const latencies = [];
  try {
    await connect(socket);
    await collect();
    const m = meter();
    for (let i = 0; i < count; i++) {
      const start = now();
      const reply = Msg.from(await socket.emitWithAck("ack", Msg.sample(i)));
      latencies.push(Number(now() - start));
      if (reply.seq !== i) throw new Error(`ack ${JSON.stringify(reply)} for ${i}`);
    }
    const spent = m.stop();
    return [percentile(latencies, 50) / 1e3, percentile(latencies, 99) / 1e3, spent.cpu / 1e3 / count];
  } finally {
    socket.close();
  }
}

/** Binary echo of `size` bytes with `window` in flight: CPU per GiB (s) and MiB/s. */
async function binaryScenario(url, { count, size, window }) {
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = i % 256;
  const socket = open(url, "WEBSOCKET");
  const done = deferred();
  let next = 0;
  let received = 0;
  socket.on("echo", (data) => {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.length !== size || bytes[size - 1] !== (size - 1) % 256) {
      done.reject(new Error(`wrong echo of ${bytes.length} bytes`));
    }
    if (next++ < count) socket.emit("echo", payload);
    if (++received === count) done.resolve();
  });
  try {
    await connect(socket);
    await collect();
    const m = meter();
    for (let i = 0; i < window; i++) {
      if (next++ < count) socket.emit("echo", payload);
    }
    await withTimeout(done.promise, 30000 + 50 * count, `binary echo of ${count}`);
    const spent = m.stop();
    const bytes = count * size;
    return [spent.cpu / 1e9 / (bytes / 2 ** 30), bytes / 2 ** 20 / (spent.wall / 1e9)];
  } finally {
    socket.close();
  }
}

/** The server pushes `count` ticks at once: CPU per 100k events (s) and events per second. */
async function burstScenario(url, { count }) {
  const socket = open(url, "WEBSOCKET");
  const done = deferred();
  let received = 0;
  let sum = 0;
  socket.on("tick", (object) => {
    const tick = new Tick(object.i);
    sum += tick.i;
    if (++received === count) done.resolve();
  });
  try {
    await connect(socket);
    await collect();
    const m = meter();
    socket.emit("bench-burst", count);
    await withTimeout(done.promise, 30000 + count / 2, `burst of ${count}`);
    const spent = m.stop();
    const expected = (count * (count - 1)) / 2;
    if (sum !== expected) throw new Error(`ticks do not add up: sum of i ${sum}, expected ${expected}`);
    return [((spent.cpu / 1e9) * 100000) / count, count / (spent.wall / 1e9)];
  } finally {
    socket.close();
  }
}

/**
 * A listener of socket A blocks for sleepMillis while socket B does sequential acks: B's ack latency
 * p50 and max (ms). Node runs every listener on its one event-loop thread, so a blocking listener
 * (here a synchronous sleep, as a blocking call would be) stops the whole process: B's first ack,
 * requested as A's listener starts (nothing else can run during the sleep), waits for it to return.
 */
async function slowListenerScenario(url, { sleepMillis }) {
  const a = open(url, "WEBSOCKET");
  const b = open(url, "WEBSOCKET");
  const done = deferred();
  const latencies = [];
  let awake = false;
  const ackChain = (index) => {
    const start = now();
    b.emit("ack", Msg.sample(index), (object) => {
      latencies.push(Number(now() - start));
      if (Msg.from(object).seq !== index) return done.reject(new Error(`ack ${JSON.stringify(object)} for ${index}`));
      if (awake) done.resolve();
      else ackChain(index + 1);
    });
  };
  a.on("echo", () => {
    ackChain(0);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sleepMillis); // a synchronous sleep
    awake = true;
  });
  try {
    await connect(a);
    await connect(b);
    a.emit("echo", Msg.sample(0));
    await withTimeout(done.promise, sleepMillis + 30000, "socket B's acks");
    return {
      values: [percentile(latencies, 50) / 1e6, Math.max(...latencies) / 1e6],
      note: `${latencies.length} acks on socket B while socket A's listener slept`,
    };
  } finally {
    a.close();
    b.close();
  }
}

const SCENARIOS = {
  connect: connectScenario,
  "connect-ws": connectScenario,
  echo: echoScenario,
  polling: echoScenario,
  ack: ackScenario,
  binary: binaryScenario,
  burst: burstScenario,
  "slow-listener": slowListenerScenario,
};

function result(object) {
  console.log(`BENCH_RESULT ${JSON.stringify(object)}`);
}

async function main() {
  const job = JSON.parse(process.argv[2] || "{}");
  const scenario = SCENARIOS[job.scenario];
  if (!scenario) throw new Error(`unknown scenario ${job.scenario}`);
  // A discarded pass warms V8's JIT up, as the Java harness's warm-up rounds warm the JVM's.
  for (let w = 0; w < (job.warmups || 0); w++) await scenario(job.url, job.params);
  await collect();
  measuring = true;
  const outcome = await scenario(job.url, job.params);
  result(Array.isArray(outcome) ? { values: outcome, note: "" } : outcome);
}

main().then(
  () => process.exit(0),
  (error) => {
    result({ error: String(error && error.message ? error.message : error) });
    process.exit(1);
  }
);
