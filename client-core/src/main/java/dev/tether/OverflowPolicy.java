package dev.tether;

/** What a full send buffer does with one more emit. */
public enum OverflowPolicy {
  /** The new emit fails (its ack with {@link SendBufferOverflowException}); what is buffered stays. */
  FAIL_NEWEST,
  /** The oldest buffered emits fail until the new one fits: the freshest data wins. */
  DROP_OLDEST
}
