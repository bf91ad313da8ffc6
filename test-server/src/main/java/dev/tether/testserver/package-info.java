/**
 * Starts the real Node.js socket.io server (pinned in {@code test-server/node/package.json}) for
 * Tether's integration tests, samples and benchmarks.
 *
 * <ul>
 *   <li>{@link dev.tether.testserver.SocketIoServer}: start/stop a server programmatically (samples,
 *       benchmarks, custom test setups).
 *   <li>{@link dev.tether.testserver.RealServer @RealServer}: JUnit 5 annotation, one server per test
 *       class, injected as a {@code SocketIoServer} parameter.
 * </ul>
 *
 * One-time setup: {@code npm ci} in {@code test-server/node} (the Maven build runs it when
 * {@code node_modules} is missing). Requires Node.js 18+ on the PATH.
 */
package dev.tether.testserver;
