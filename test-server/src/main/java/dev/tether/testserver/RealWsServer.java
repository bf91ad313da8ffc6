package dev.tether.testserver;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against one real Node.js {@code ws} WebSocket server (a {@link WsServer}),
 * started before the class's first test and stopped after its last one: the plain-WebSocket
 * counterpart of {@link RealServer @RealServer}.
 *
 * <p>Declare a {@link WsServer} parameter on the constructor, a {@code @BeforeAll} / {@code
 * @BeforeEach} / {@code @AfterEach} / {@code @AfterAll} method or a test method to get it:
 *
 * <pre>{@code
 * @RealWsServer("{\"nameKey\":\"event\",\"idKey\":\"cid\"}")
 * class EnvelopeIT {
 *     @Test
 *     void joins(WsServer server) {
 *         connect(server.url("/envelope?tag=joins"));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * All tests of the class share the server: tag each test's connections ({@code ?tag=<name>}, see
 * {@link WsServer#connections(String)}) rather than relying on what other tests left, and start a
 * server of your own ({@link WsServer#start(String)}) in a test that stops, restarts or freezes it.
 * {@code @Nested} classes without their own {@code @RealWsServer} share their enclosing class's
 * server; with one they get their own. A class may carry both {@code @RealServer} and
 * {@code @RealWsServer}. The annotation is {@link Inherited inherited} by subclasses.
 *
 * <p>Thread safety: an annotation; the server it yields is thread-safe (see {@link WsServer}).
 *
 * @see RealWsServerExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealWsServerExtension.class)
public @interface RealWsServer {

    /**
     * The server's options as a JSON object (see {@link WsServer}), e.g. {@code
     * {"greet":"welcome","nameKey":"event"}}. Default: {@code "{}"}.
     */
    String value() default "{}";
}
