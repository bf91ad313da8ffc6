/**
 * Starts the real Node.js servers pinned in {@code test-server/node/package.json}, socket.io and a
 * plain {@code ws} WebSocket server, for Tether's integration tests, samples and benchmarks.
 *
 * <ul>
 *   <li>{@link dev.tether.testserver.SocketIoServer}: start/stop a server programmatically (samples,
 *       benchmarks, custom test setups); {@code startV2} runs the legacy socket.io 2.5.0 (Engine.IO 3)
 *       pinned in {@code test-server/node-v2}.
 *   <li>{@link dev.tether.testserver.RealServer @RealServer}: JUnit 5 annotation, one server per test
 *       class, injected as a {@code SocketIoServer} parameter.
 *   <li>{@link dev.tether.testserver.WsServer}: a plain WebSocket server ({@code ws-server.js}) with
 *       echo, JSON-envelope, close-code and handshake behaviours by path; stop, restart on the same
 *       port, freeze and thaw.
 *   <li>{@link dev.tether.testserver.RealWsServer @RealWsServer}: JUnit 5 annotation, one
 *       {@code WsServer} per test class, injected as a parameter.
 * </ul>
 *
 * One-time setup: {@code npm ci} in {@code test-server/node} and {@code test-server/node-v2} (the
 * Maven build runs it where {@code node_modules} is missing). Requires Node.js 18+ on the PATH.
 */
package dev.tether.testserver;
