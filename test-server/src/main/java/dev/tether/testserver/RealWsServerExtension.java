package dev.tether.testserver;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link RealWsServer @RealWsServer}: starts one {@link WsServer} per
 * test class and resolves {@link WsServer} parameters of constructors, lifecycle methods and
 * test methods.
 *
 * <p>The server is started in {@code beforeAll} (or earlier, when a {@code PER_CLASS} test instance's
 * constructor asks for it), kept in the class's {@link ExtensionContext.Store} and stopped when the
 * class's extension context closes, i.e. after the class's {@code @AfterAll} methods. The options
 * come from the nearest {@code @RealWsServer} on the test class or its enclosing classes; a class
 * that registers this extension with a plain {@code @ExtendWith} and has no {@code @RealWsServer}
 * gets a server with the default options.
 *
 * <p>Thread safety: the extension is stateless and safe under JUnit's parallel execution; the
 * per-class server is created at most once (the store computes it atomically).
 */
public final class RealWsServerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RealWsServerExtension.class);

    /** Creates the extension (JUnit instantiates it via {@code @ExtendWith}). */
    public RealWsServerExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context); // start eagerly so a broken setup fails the class, not its first test
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == WsServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext,
            ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /**
     * Returns the server of the class context that owns it: the nearest class (this one or an
     * enclosing one) annotated with {@code @RealWsServer}, else the outermost test class.
     */
    private static WsServer server(ExtensionContext context) {
        ExtensionContext owner = null;
        String options = "{}";
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestClass().isEmpty() || c.getTestMethod().isPresent()) {
                continue; // engine or method context
            }
            Optional<RealWsServer> annotation =
                    AnnotationSupport.findAnnotation(c.getRequiredTestClass(), RealWsServer.class);
            owner = c;
            if (annotation.isPresent()) {
                options = annotation.get().value();
                break;
            }
        }
        if (owner == null) {
            throw new IllegalStateException("No test class context for " + context.getUniqueId());
        }
        String json = options;
        // Keyed by class: a @Nested class with its own @RealWsServer must not find its parent's.
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(
                new Key(owner.getRequiredTestClass()), key -> new Resource(json),
                Resource.class).server;
    }

    private record Key(Class<?> testClass) {}

    /**
     * Store value that stops the server when the class context closes. JUnit 5.13+ closes
     * {@code AutoCloseable} store values; {@code CloseableResource} keeps older versions working.
     */
    @SuppressWarnings("deprecation")
    private static final class Resource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final WsServer server;

        Resource(String optionsJson) {
            this.server = WsServer.start(optionsJson);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
