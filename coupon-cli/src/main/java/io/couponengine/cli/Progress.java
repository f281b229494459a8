package io.couponengine.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress of a long operation, on stderr: a bar with rate and time left on a terminal, plain periodic lines
 * otherwise ("granted 40000/200000 (20%), 8123/s, 20 s left"), or nothing. Fed per batch by the command.
 */
abstract class Progress implements AutoCloseable {
  /** How progress is shown ({@code --progress}). */
  enum Mode { AUTO, BAR, LINES, NONE }

  abstract void step(long n);

  /** Sets the count done so far (for progress reported as a position, such as code generation). */
  abstract void stepTo(long done);

  @Override
  public abstract void close();

  static Progress create(Mode mode, String verb, long total, PrintWriter err, PrintStream terminal,
                         long lineIntervalMillis) {
    Mode m = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LINES) : mode;
    switch (m) {
      case BAR:
        return new Bar(verb, total, terminal);
      case LINES:
        return new Lines(verb, total, err, lineIntervalMillis);
      default:
        return new None();
    }
  }

  private static final class None extends Progress {
    @Override
    void step(long n) {}

    @Override
    void stepTo(long done) {}

    @Override
    public void close() {}
  }

  private static final class Bar extends Progress {
    private final ProgressBar bar;

    Bar(String verb, long total, PrintStream terminal) {
      bar = new ProgressBarBuilder()
          .setTaskName(verb)
          .setInitialMax(total)
          .showSpeed()
          .setSpeedUnit(ChronoUnit.SECONDS)
          .setUpdateIntervalMillis(250)
          .continuousUpdate()
          .setConsumer(new ConsoleProgressBarConsumer(terminal))
          .build();
    }

    @Override
    void step(long n) {
      bar.stepBy(n);
    }

    @Override
    void stepTo(long done) {
      bar.stepTo(done);
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  static final class Lines extends Progress {
    private final String verb;
    private final long total;
    private final PrintWriter err;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long last = start;
    private long done;

    Lines(String verb, long total, PrintWriter err, long intervalMillis) {
      this.verb = verb;
      this.total = total;
      this.err = err;
      this.intervalNanos = Duration.ofMillis(intervalMillis).toNanos();
    }

    @Override
    void step(long n) {
      stepTo(done + n);
    }

    @Override
    void stepTo(long now) {
      done = now;
      long t = System.nanoTime();
      if (t - last >= intervalNanos) {
        last = t;
        err.println(line(t, false));
        err.flush();
      }
    }

    String line(long t, boolean last) {
      double secs = Math.max((t - start) / 1e9, 1e-3);
      long rate = Math.round(done / secs);
      StringBuilder b = new StringBuilder(verb).append(' ').append(done);
      if (total >= 0) {
        b.append('/').append(total);
        if (total > 0) {
          b.append(" (").append(done * 100 / total).append("%)");
        }
      }
      b.append(", ").append(rate).append("/s");
      if (last) {
        b.append(", ").append(Math.round(secs)).append(" s");
      } else if (total > 0 && rate > 0) {
        b.append(", ").append(Math.max(0, (total - done) / rate)).append(" s left");
      }
      return b.toString();
    }

    @Override
    public void close() {
      err.println(line(System.nanoTime(), true));
      err.flush();
    }
  }
}
