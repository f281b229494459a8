package io.couponengine.benchmarks.charts;

import io.couponengine.benchmarks.charts.BenchmarkResults.JmhResult;
import io.couponengine.benchmarks.charts.BenchmarkResults.LoadLine;
import io.couponengine.benchmarks.charts.ChartModel.Kind;
import io.couponengine.benchmarks.charts.ChartModel.Point;
import io.couponengine.benchmarks.charts.ChartModel.Series;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns benchmark results into charts: reads a data directory ({@link BenchmarkResults}) and writes each chart as
 * PNG and SVG (XChart).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.couponengine.benchmarks.charts.BenchmarkCharts \
 *     docs/benchmarks/data docs/benchmarks
 * }</pre>
 *
 * <p>The arguments default to {@code docs/benchmarks/data} and {@code docs/benchmarks}. The charts:
 * <ul>
 *   <li>{@code claims-per-thread}: claims/s against client threads for every store and reference (log axes);</li>
 *   <li>{@code redis-claims}: Redis, RedisClaimLoad beside the reference claim script;</li>
 *   <li>{@code sql-claims}: PostgreSQL and MariaDB (JdbcClaimLoad) beside pgbench on the claim statement;</li>
 *   <li>{@code redis-us-per-claim}: Redis's own µs per EVALSHA, store and reference;</li>
 *   <li>{@code code-rates}: code generation and codes/s loaded into each store;</li>
 *   <li>{@code settlement-latency}: settle and best-combination time (SettlementBenchmark).</li>
 * </ul>
 * A chart whose data is missing is skipped with a message on standard error; malformed data fails the run.
 *
 * <p>{@link #models} only extracts the data (tested apart); {@link #render} draws it.
 */
public final class BenchmarkCharts {

  /** Width of every chart in pixels. */
  public static final int WIDTH = 900;
  /** Height of every chart in pixels. */
  public static final int HEIGHT = 500;

  private static final String CLAIMS_PER_SEC = "claims_per_sec";

  private BenchmarkCharts() {}

  /**
   * Reads the data directory and writes the charts.
   *
   * @param args the data directory and the output directory (both optional)
   * @throws IOException if a chart cannot be written
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path data = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/data");
    Path out = Path.of(args.length > 1 ? args[1] : "docs/benchmarks");
    BenchmarkResults results = BenchmarkResults.read(data);
    System.out.printf("%s: %d JMH results, %d load/reference lines%n", data, results.jmh().size(),
        results.lines().size());
    for (Path written : write(results, out, System.err::println)) {
      System.out.println("wrote " + written);
    }
  }

  /**
   * Extracts the charts' data and writes every chart that has some as PNG and SVG.
   *
   * @param results the results
   * @param out the output directory (created if missing)
   * @param skipped told the reason of each chart left out
   * @return the files written
   * @throws IOException if a file cannot be written
   */
  public static List<Path> write(BenchmarkResults results, Path out, Consumer<String> skipped) throws IOException {
    Files.createDirectories(out);
    List<Path> written = new ArrayList<>();
    for (ChartModel m : models(results, skipped)) {
      written.addAll(render(m, out));
    }
    return written;
  }

  /**
   * The charts that the results have data for.
   *
   * @param r the results
   * @param skipped told the reason of each chart left out
   * @return the charts, in a fixed order
   */
  public static List<ChartModel> models(BenchmarkResults r, Consumer<String> skipped) {
    List<ChartModel> charts = new ArrayList<>();
    Series inMemory = jmhSeries("in-memory (JMH)", r, "ClaimBenchmark.claim",
        j -> "1".equals(j.params().getOrDefault("templates", "1")));
    Series redis = lineSeries("Redis: RedisClaimLoad", r, l -> l.program().equals("redis-claim-load"),
        l -> l.number(CLAIMS_PER_SEC));
    Series redisRef = lineSeries("Redis: reference script", r,
        l -> l.program().equals("redis-reference"), l -> l.number(CLAIMS_PER_SEC));
    Series pg = lineSeries("PostgreSQL: JdbcClaimLoad", r, jdbc("postgresql"), l -> l.number(CLAIMS_PER_SEC));
    Series pgRef = lineSeries("PostgreSQL: pgbench", r, l -> l.program().equals("pgbench"),
        l -> l.number(CLAIMS_PER_SEC));
    Series maria = lineSeries("MariaDB: JdbcClaimLoad", r, jdbc("mariadb"), l -> l.number(CLAIMS_PER_SEC));

    add(charts, skipped, new ChartModel("claims-per-thread", "Claims per second by store",
        "client threads (log scale)", "claims/s (log scale)", Kind.XY, true, true,
        List.of(inMemory, redis, redisRef, pg, pgRef, maria)));
    add(charts, skipped, new ChartModel("redis-claims", "Redis: claims per second against the reference",
        "client threads / redis-benchmark clients (log scale)", "claims/s", Kind.XY, true, false,
        List.of(redis, redisRef)));
    add(charts, skipped, new ChartModel("sql-claims", "SQL stores: claims per second against pgbench",
        "client threads / pgbench clients (log scale)", "claims/s", Kind.XY, true, false, List.of(pg, pgRef, maria)));
    add(charts, skipped, new ChartModel("redis-us-per-claim", "Redis: server time per claim script call",
        "client threads / redis-benchmark clients (log scale)", "µs per EVALSHA (Redis INFO commandstats)", Kind.XY,
        true, false, List.of(
            lineSeries("RedisClaimLoad (claim.lua)", r, l -> l.program().equals("redis-claim-load"),
                l -> l.number("redis_us_per_script")),
            lineSeries("reference script", r, l -> l.program().equals("redis-reference"),
                l -> l.number("us_per_call")))));

    List<Point> codes = new ArrayList<>();
    jmhBar(codes, "in-memory: generate (JMH)", r, "CodeGenerationBenchmark.code");
    jmhBar(codes, "in-memory: generate + load (JMH)", r, "CodeGenerationBenchmark.generateAndLoad");
    lineBar(codes, "Redis: load only", r, l -> l.program().equals("redis-claim-load"), "code_load_per_sec");
    lineBar(codes, "Redis: generate + load", r, l -> l.program().equals("redis-claim-load"),
        "generate_and_load_per_sec");
    lineBar(codes, "PostgreSQL: generate + load", r, jdbc("postgresql"), "code_load_per_sec");
    lineBar(codes, "MariaDB: generate + load", r, jdbc("mariadb"), "code_load_per_sec");
    add(charts, skipped, new ChartModel("code-rates", "Code generation and loading", "", "codes/s (log scale)",
        Kind.BARS, false, true, List.of(new Series("codes/s", codes))));

    List<Point> settle = new ArrayList<>();
    jmhBar(settle, "settle: 20 lines, 3 coupons", r, "SettlementBenchmark.settle");
    jmhBar(settle, "best combination of 20 coupons", r, "SettlementBenchmark.bestCombination");
    String unit = r.jmh().stream().filter(j -> j.shortName().startsWith("SettlementBenchmark."))
        .map(JmhResult::unit).findFirst().orElse("us/op").replace("us/", "µs/");
    add(charts, skipped, new ChartModel("settlement-latency", "Settlement latency (SettlementBenchmark, mean)", "",
        unit + " (log scale)", Kind.BARS, false, true, List.of(new Series("mean time per call", settle))));
    return charts;
  }

  private static Predicate<LoadLine> jdbc(String store) {
    return l -> l.program().equals("jdbc-claim-load") && l.store().equalsIgnoreCase(store);
  }

  /** Adds the chart without its empty series, or tells why it is left out. */
  private static void add(List<ChartModel> charts, Consumer<String> skipped, ChartModel m) {
    List<Series> present = m.series().stream().filter(s -> !s.points().isEmpty()).toList();
    if (present.isEmpty()) {
      skipped.accept("skipped " + m.file() + ": no data for " + m.series().stream().map(Series::name).toList());
      return;
    }
    if (m.kind() == Kind.XY && present.stream().allMatch(s -> s.points().stream().allMatch(p -> p.x() <= 0))) {
      skipped.accept("skipped " + m.file() + ": no line names its clients/threads");
      return;
    }
    charts.add(new ChartModel(m.file(), m.title(), m.xTitle(), m.yTitle(), m.kind(), m.logX(), m.logY(), present));
  }

  /** One point per thread count of the matching JMH results (the mean of repeated ones), error as JMH gives it. */
  private static Series jmhSeries(String name, BenchmarkResults r, String shortName, Predicate<JmhResult> filter) {
    Map<Integer, List<JmhResult>> byThreads = new TreeMap<>();
    for (JmhResult j : r.jmh()) {
      if (j.shortName().equals(shortName) && filter.test(j)) {
        byThreads.computeIfAbsent(j.threads(), t -> new ArrayList<>()).add(j);
      }
    }
    List<Point> points = new ArrayList<>();
    byThreads.forEach((t, js) -> points.add(new Point(Integer.toString(t), t,
        js.stream().mapToDouble(JmhResult::score).average().orElseThrow(),
        js.stream().mapToDouble(j -> Double.isNaN(j.scoreError()) ? 0 : j.scoreError()).max().orElse(0))));
    return new Series(name, points);
  }

  /** One point per client count of the matching lines (the median of repeated runs; lines without the field skipped). */
  private static Series lineSeries(String name, BenchmarkResults r, Predicate<LoadLine> filter,
      ToDoubleFunction<LoadLine> y) {
    Map<Integer, List<Double>> byClients = new TreeMap<>();
    for (LoadLine l : r.lines()) {
      double v = filter.test(l) ? y.applyAsDouble(l) : Double.NaN;
      if (!Double.isNaN(v) && l.clients() > 0) {
        byClients.computeIfAbsent(l.clients(), c -> new ArrayList<>()).add(v);
      }
    }
    List<Point> points = new ArrayList<>();
    byClients.forEach((c, vs) -> points.add(new Point(Integer.toString(c), c, median(vs), 0)));
    return new Series(name, points);
  }

  private static void jmhBar(List<Point> points, String label, BenchmarkResults r, String shortName) {
    Series s = jmhSeries(label, r, shortName, j -> true);
    if (!s.points().isEmpty()) {
      // the lowest thread count: the benchmarks these bars come from run on one thread
      Point p = s.points().get(0);
      points.add(new Point(label, 0, p.y(), p.error()));
    }
  }

  private static void lineBar(List<Point> points, String label, BenchmarkResults r, Predicate<LoadLine> filter,
      String field) {
    List<Double> vs = r.lines().stream().filter(filter).map(l -> l.number(field))
        .filter(v -> !Double.isNaN(v) && v > 0).toList();
    if (!vs.isEmpty()) {
      points.add(new Point(label, 0, median(vs), 0));
    }
  }

  private static double median(List<Double> vs) {
    double[] a = vs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /**
   * Draws one chart and writes it as {@code <file>.png} and {@code <file>.svg}.
   *
   * @param m the chart
   * @param out the output directory
   * @return the two files
   * @throws IOException if a file cannot be written
   */
  public static List<Path> render(ChartModel m, Path out) throws IOException {
    Chart<?, ?> chart = m.kind() == Kind.XY ? xy(m) : bars(m);
    Path png = out.resolve(m.file() + ".png");
    Path svg = out.resolve(m.file() + ".svg");
    try {
      BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
      VectorGraphicsEncoder.saveVectorGraphic(chart, svg.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return List.of(png, svg);
  }

  private static void style(AxesChartStyler s, ChartModel m) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(225, 225, 225));
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setYAxisLogarithmic(m.logY());
    s.setYAxisDecimalPattern("#,##0.##");
    s.setErrorBarsColorSeriesColor(true);
  }

  private static XYChart xy(ChartModel m) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(m.title()).xAxisTitle(m.xTitle())
        .yAxisTitle(m.yTitle()).build();
    style(c.getStyler(), m);
    c.getStyler().setMarkerSize(8);
    double maxX = m.series().stream().flatMap(s -> s.points().stream()).mapToDouble(Point::x).max().orElse(1);
    if (m.logX()) {
      // plotted at log2(x) so that 1, 2, 4, ... 64 are evenly spaced and labelled as themselves
      c.getStyler().setXAxisMin(0.0);
      c.getStyler().setXAxisMax(Math.max(1, Math.ceil(log2(maxX))));
      c.setCustomXAxisTickLabelsFormatter(v -> Math.abs(v - Math.rint(v)) < 1e-6 && v >= 0
          ? Long.toString(Math.round(Math.pow(2, Math.rint(v)))) : "");
    } else {
      c.getStyler().setXAxisDecimalPattern("#,##0");
    }
    if (!m.logY()) {
      c.getStyler().setYAxisMin(0.0);
    }
    for (Series s : m.series()) {
      double[] x = s.points().stream().mapToDouble(p -> m.logX() ? log2(p.x()) : p.x()).toArray();
      double[] y = s.points().stream().mapToDouble(Point::y).toArray();
      double[] e = s.points().stream().mapToDouble(Point::error).toArray();
      // no error bars on a log axis: JMH's 99.9% interval of a few short iterations often reaches below zero
      XYSeries xs = !m.logY() && Arrays.stream(e).anyMatch(v -> v > 0) ? c.addSeries(s.name(), x, y, e)
          : c.addSeries(s.name(), x, y);
      xs.setMarker(SeriesMarkers.CIRCLE);
      Color colour = colour(s.name());
      xs.setLineColor(colour);
      xs.setMarkerColor(colour);
      if (s.name().contains("reference") || s.name().contains("pgbench")) {
        xs.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
            10f, new float[] {6f, 4f}, 0f));
        xs.setMarker(SeriesMarkers.DIAMOND);
      }
    }
    return c;
  }

  private static CategoryChart bars(ChartModel m) {
    CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(m.title()).xAxisTitle(m.xTitle())
        .yAxisTitle(m.yTitle()).build();
    style(c.getStyler(), m);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setLabelsVisible(true);
    c.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    c.getStyler().setLabelsFontColorAutomaticEnabled(false);
    c.getStyler().setLabelsFontColor(Color.BLACK);
    c.getStyler().setLabelsPosition(1.0);
    double smallest = m.series().stream().flatMap(s -> s.points().stream()).mapToDouble(Point::y).min().orElse(0);
    c.getStyler().setYAxisDecimalPattern(smallest >= 100 ? "#,##0" : "#,##0.##");
    if (m.series().stream().mapToInt(s -> s.points().size()).sum() > 3) {
      c.getStyler().setXAxisLabelRotation(15);
    }
    if (m.logY()) {
      // bars start at the axis minimum: a power of ten below the smallest value (XChart refuses 0 on a log axis)
      double min = m.series().stream().flatMap(s -> s.points().stream()).mapToDouble(Point::y).filter(v -> v > 0)
          .min().orElse(1);
      c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
    }
    for (Series s : m.series()) {
      List<String> x = s.points().stream().map(Point::label).toList();
      List<Double> y = s.points().stream().map(Point::y).toList();
      c.addSeries(s.name(), x, y);
    }
    return c;
  }

  /** One colour per store, the same for the store's program and its reference (drawn dashed). */
  private static Color colour(String series) {
    if (series.startsWith("PostgreSQL")) {
      return new Color(0x1f, 0x77, 0xb4);
    } else if (series.startsWith("MariaDB")) {
      return new Color(0xff, 0x7f, 0x0e);
    } else if (series.startsWith("in-memory")) {
      return new Color(0x2c, 0xa0, 0x2c);
    }
    return new Color(0xd6, 0x27, 0x28); // Redis
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
