package dev.tether.testserver;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link RealServer @RealServer}: starts one {@link SocketIoServer} per
 * test class and resolves {@link SocketIoServer} parameters of constructors, lifecycle methods and
 * test methods.
 *
 * <p>The server is started in {@code beforeAll} (or earlier, when a {@code PER_CLASS} test instance's
 * constructor asks for it), kept in the class's {@link ExtensionContext.Store} and stopped when the
 * class's extension context closes, i.e. after the class's {@code @AfterAll} methods. The options
 * come from the nearest {@code @RealServer} on the test class or its enclosing classes; a class
 * that registers this extension with a plain {@code @ExtendWith} and has no {@code @RealServer}
 * gets a server with the default options.
 *
 * <p>Thread safety: the extension is stateless and safe under JUnit's parallel execution; the
 * per-class server is created at most once (the store computes it atomically).
 */
public final class RealServerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RealServerExtension.class);

    /** Creates the extension (JUnit instantiates it via {@code @ExtendWith}). */
    public RealServerExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context); // start eagerly so a broken setup fails the class, not its first test
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == SocketIoServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /**
     * Returns the server of the class context that owns it: the nearest class (this one or an
     * enclosing one) annotated with {@code @RealServer}, else the outermost test class.
     */
    private static SocketIoServer server(ExtensionContext context) {
        ExtensionContext owner = null;
        String options = "{}";
        RealServer.Version version = RealServer.Version.SOCKET_IO_4;
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestClass().isEmpty() || c.getTestMethod().isPresent()) {
                continue; // engine or method context
            }
            Optional<RealServer> annotation =
                    AnnotationSupport.findAnnotation(c.getRequiredTestClass(), RealServer.class);
            owner = c;
            if (annotation.isPresent()) {
                options = annotation.get().value();
                version = annotation.get().version();
                break;
            }
        }
        if (owner == null) {
            throw new IllegalStateException("No test class context for " + context.getUniqueId());
        }
        String json = options;
        RealServer.Version which = version;
        // Keyed by class: a @Nested class with its own @RealServer must not find its parent's.
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(
                new Key(owner.getRequiredTestClass()), key -> new Resource(json, which),
                Resource.class).server;
    }

    private record Key(Class<?> testClass) {}

    /**
     * Store value that stops the server when the class context closes. JUnit 5.13+ closes
     * {@code AutoCloseable} store values; {@code CloseableResource} keeps older versions working.
     */
    @SuppressWarnings("deprecation")
    private static final class Resource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final SocketIoServer server;

        Resource(String optionsJson, RealServer.Version version) {
            this.server = version == RealServer.Version.SOCKET_IO_2
                    ? SocketIoServer.startV2(optionsJson)
                    : SocketIoServer.start(optionsJson);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
