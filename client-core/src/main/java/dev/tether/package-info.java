/**
 * Tether: a Socket.IO client for the JVM and Android.
 *
 * <p>Everything in this package is public API. Types under {@code dev.tether.internal} are
 * implementation details: they may change in any release and must not be used by applications.
 *
 * <p>Unless a parameter or return value is annotated {@code @Nullable}, it is never null.
 */
@NullMarked
package dev.tether;

import org.jspecify.annotations.NullMarked;
