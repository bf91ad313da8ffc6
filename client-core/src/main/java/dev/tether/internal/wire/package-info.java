/**
 * The seam between what a socket means and how a kind of server speaks. Above it
 * ({@code internal.client}): listeners, the send buffer, acks, reconnection, written once. Below it,
 * one {@link dev.tether.internal.wire.ServerProtocol} per kind of server. See ARCHITECTURE.md. Not
 * API: may change in any release.
 */
@NullMarked
package dev.tether.internal.wire;

import org.jspecify.annotations.NullMarked;
