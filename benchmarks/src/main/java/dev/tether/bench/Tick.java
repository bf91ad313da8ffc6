package dev.tether.bench;

/** The small event of the burst row, {@code {"i": n}}: every client binds each one to this class. */
public final class Tick {
  public int i;

  public Tick() {
  }

  public Tick(int i) {
    this.i = i;
  }
}
