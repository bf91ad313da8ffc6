/**
 * Plain WebSocket servers (a Node {@code ws} server, a framework gateway) behind the protocol seam:
 * one OkHttp WebSocket per connection, the URL as given, no namespaces, events framed by a public
 * {@link dev.tether.Envelope}, WebSocket pings for liveness. See ARCHITECTURE.md. Not API: may
 * change in any release.
 */
@NullMarked
package dev.tether.internal.ws;

import org.jspecify.annotations.NullMarked;
