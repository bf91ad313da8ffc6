/**
 * RxJava 3 bindings for Tether: {@link dev.tether.rx.RxSocket}. Built only on the public callback API.
 * RxJava is an optional dependency of Tether: add {@code io.reactivex.rxjava3:rxjava} to use this
 * package; nothing else in Tether needs it.
 */
@NullMarked
package dev.tether.rx;

import org.jspecify.annotations.NullMarked;
