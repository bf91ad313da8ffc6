/**
 * Tether on Android: listeners on the main thread ({@link dev.tether.android.AndroidExecutors}),
 * reconnection driven by the device's connectivity ({@link dev.tether.android.AndroidConnectivity})
 * and an opt-in pause of the connection while the app is in the background
 * ({@link dev.tether.android.AndroidLifecycle}).
 *
 * <pre>{@code
 * Tether tether = Tether.builder()
 *     .callbackExecutor(AndroidExecutors.mainThread())   // listeners run on the main thread
 *     .build();
 * Socket socket = tether.socket(BuildConfig.SERVER_URL);
 * AndroidConnectivity.bind(context, socket);             // reconnect at once when the network returns
 * AndroidLifecycle.bind(context, socket, 1, TimeUnit.MINUTES); // close after a minute in the background
 * socket.connect();
 * }</pre>
 *
 * <p>Works on API 21 and later. A plain jar: it adds nothing to the app's manifest, so the app
 * declares {@code android.permission.ACCESS_NETWORK_STATE} itself (and {@code INTERNET}).
 *
 * <p>Unless a parameter or return value is annotated {@code @Nullable}, it is never null.
 */
@NullMarked
package dev.tether.android;

import org.jspecify.annotations.NullMarked;
