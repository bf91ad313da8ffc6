/**
 * Starts the real Node.js servers pinned in {@code test-server/node/package.json}, socket.io and a
 * plain {@code ws} WebSocket server, for Tether's integration tests, samples and benchmarks.
 *
 * <ul>
 *   <li>{@link dev.tether.testserver.SocketIoServer}: start/stop a server programmatically (samples,
 *       benchmarks, custom test setups).
 *   <li>{@link dev.tether.testserver.RealServer @RealServer}: JUnit 5 annotation, one server per test
 *       class, injected as a {@code SocketIoServer} parameter.
 *   <li>{@link dev.tether.testserver.WsServer}: a plain WebSocket server ({@code ws-server.js}) with
 *       echo, JSON-envelope, close-code and handshake behaviours by path; stop, restart on the same
 *       port, freeze and thaw.
 *   <li>{@link dev.tether.testserver.RealWsServer @RealWsServer}: JUnit 5 annotation, one
 *       {@code WsServer} per test class, injected as a parameter.
 * </ul>
 *
 * One-time setup: {@code npm ci} in {@code test-server/node} (the Maven build runs it when
 * {@code node_modules} is missing). Requires Node.js 18+ on the PATH.
 */
package dev.tether.testserver;
