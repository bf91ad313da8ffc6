/**
 * Implementation details of Tether: Socket.IO packets and their encoding over Engine.IO messages.
 * Not API: may change in any release.
 */
@NullMarked
package dev.tether.internal.sio;

import org.jspecify.annotations.NullMarked;
