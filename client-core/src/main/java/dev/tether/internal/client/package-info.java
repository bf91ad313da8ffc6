/** Implementation of the Socket.IO client API. Not API: may change in any release. */
@NullMarked
package dev.tether.internal.client;

import org.jspecify.annotations.NullMarked;
