package io.couponengine.benchmarks.charts;

import java.util.List;

/**
 * What one chart shows, apart from how it is drawn: its file name, titles, axes and series.
 *
 * @param file the file name without extension ({@code claims-per-thread} gives {@code claims-per-thread.png} and
 *     {@code .svg})
 * @param title the chart's title
 * @param xTitle the x axis title, with its unit
 * @param yTitle the y axis title, with its unit
 * @param kind {@link Kind#XY} (numeric x: threads) or {@link Kind#BARS} (one category per point)
 * @param logX whether the x axis is logarithmic (XY charts only)
 * @param logY whether the y axis is logarithmic
 * @param series the series, in legend order; none empty
 */
public record ChartModel(String file, String title, String xTitle, String yTitle, Kind kind, boolean logX,
    boolean logY, List<Series> series) {

  /** How the points are laid out. */
  public enum Kind {
    /** Lines with markers over a numeric x axis. */
    XY,
    /** Bars, one category per point label. */
    BARS
  }

  /**
   * Copies the series.
   *
   * @param file the file name without extension
   * @param title the title
   * @param xTitle the x axis title
   * @param yTitle the y axis title
   * @param kind the layout
   * @param logX whether x is logarithmic
   * @param logY whether y is logarithmic
   * @param series the series
   */
  public ChartModel {
    series = List.copyOf(series);
  }

  /**
   * The series of a name.
   *
   * @param name the series' name
   * @return the series
   * @throws IllegalArgumentException if the chart has no such series
   */
  public Series series(String name) {
    return series.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no series " + name + " in " + file));
  }

  /**
   * One series.
   *
   * @param name the legend's name
   * @param points the points, in x order
   */
  public record Series(String name, List<Point> points) {

    /**
     * Copies the points.
     *
     * @param name the name
     * @param points the points
     */
    public Series {
      points = List.copyOf(points);
    }
  }

  /**
   * One point.
   *
   * @param label the category (bar charts), or the x value as text
   * @param x the x value (threads, clients; 0 on bar charts)
   * @param y the y value
   * @param error the error bar's half-height, or 0 when none
   */
  public record Point(String label, double x, double y, double error) {}
}
