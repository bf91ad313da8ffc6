package dev.tether.testserver;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against one real Node.js socket.io server (a {@link SocketIoServer}),
 * started before the class's first test and stopped after its last one.
 *
 * <p>Declare a {@link SocketIoServer} parameter on the constructor, a {@code @BeforeAll} /
 * {@code @BeforeEach} / {@code @AfterEach} / {@code @AfterAll} method or a test method to get it:
 *
 * <pre>{@code
 * @RealServer("{\"pingInterval\":300}")
 * class HeartbeatIT {
 *     @Test
 *     void connects(SocketIoServer server) {
 *         Client client = Client.connect(server.url());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * All tests of the class share the server, so tests must not depend on server state left by other
 * tests (the scenario handlers in {@code server.js} are stateless). {@code @Nested} classes without
 * their own {@code @RealServer} share their enclosing class's server; with one they get their own.
 * The annotation is {@link Inherited inherited} by subclasses.
 *
 * @see RealServerExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealServerExtension.class)
public @interface RealServer {

    /**
     * The socket.io {@code Server} options as a JSON object, e.g. {@code
     * {"pingInterval":300,"pingTimeout":200}}. Default: {@code "{}"} (socket.io's defaults).
     */
    String value() default "{}";

    /** Which server runs: the pinned socket.io 4.x (default) or the legacy socket.io 2.x. */
    Version version() default Version.SOCKET_IO_4;

    /** The servers {@code @RealServer} can start. */
    enum Version {
        /** socket.io 4.x from {@code test-server/node}: {@link SocketIoServer#start(String)}. */
        SOCKET_IO_4,
        /** socket.io 2.x from {@code test-server/node-v2}: {@link SocketIoServer#startV2(String)}. */
        SOCKET_IO_2
    }
}
