/**
 * HTTP pieces shared by every kind of server below the seam: one cookie jar and derived OkHttp
 * clients per connection, and the mapping of HTTP statuses and I/O failures to
 * {@link dev.tether.TransportException} kinds. Not API: may change in any release.
 */
@NullMarked
package dev.tether.internal.http;

import org.jspecify.annotations.NullMarked;
