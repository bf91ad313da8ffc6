/** Implementation details of Tether. Not API: may change in any release. */
@NullMarked
package dev.tether.internal;

import org.jspecify.annotations.NullMarked;
