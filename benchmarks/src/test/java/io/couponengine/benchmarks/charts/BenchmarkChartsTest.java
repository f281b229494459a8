package io.couponengine.benchmarks.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.couponengine.benchmarks.charts.ChartModel.Point;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkChartsTest {

  private static BenchmarkResults fixture;

  @BeforeAll
  static void readFixture() throws URISyntaxException {
    System.setProperty("java.awt.headless", "true");
    fixture = BenchmarkResults.read(Path.of(BenchmarkChartsTest.class.getResource("/charts-fixture").toURI()));
  }

  @Test
  void read_fixture() {
    assertThat(fixture.jmh()).hasSize(6);
    assertThat(fixture.jmh().get(0).shortName()).isEqualTo("ClaimBenchmark.claim");
    assertThat(fixture.jmh().get(0).params()).containsEntry("templates", "1");
    assertThat(fixture.jmh().get(1).scoreError()).isNaN();
    assertThat(fixture.lines()).hasSize(8);
    assertThat(fixture.lines().get(5).store()).isEqualTo("postgresql");
    assertThat(fixture.lines().get(5).clients()).isEqualTo(4);
  }

  @Test
  void models_seriesAndPoints() {
    List<String> skipped = new ArrayList<>();
    List<ChartModel> charts = BenchmarkCharts.models(fixture, skipped::add);
    assertThat(skipped).isEmpty();
    assertThat(charts).extracting(ChartModel::file).containsExactly("claims-per-thread", "redis-claims",
        "sql-claims", "redis-us-per-claim", "code-rates", "settlement-latency");

    ChartModel overview = charts.get(0);
    assertThat(overview.logY()).isTrue();
    assertThat(overview.series()).hasSize(6);
    // templates=64 is left out; the NaN error becomes no error bar
    assertThat(overview.series("in-memory (JMH)").points()).extracting(Point::x, Point::y,
        Point::error).containsExactly(tuple(1.0, 450_000.0, 40_000.0), tuple(2.0, 530_000.0, 0.0));
    // two runs at 1 thread: the median (mean of the two middle values)
    assertThat(overview.series("Redis: RedisClaimLoad").points()).extracting(Point::x, Point::y)
        .containsExactly(tuple(1.0, 4_500.0), tuple(4.0, 12_000.0));
    assertThat(overview.series("PostgreSQL: pgbench").points()).extracting(Point::x, Point::y)
        .containsExactly(tuple(4.0, 1_800.0));

    assertThat(charts.get(2).series()).extracting(ChartModel.Series::name).containsExactly(
        "PostgreSQL: JdbcClaimLoad", "PostgreSQL: pgbench", "MariaDB: JdbcClaimLoad");
    assertThat(charts.get(3).series("reference script").points()).extracting(Point::y).containsExactly(18.5, 19.5);
    assertThat(charts.get(3).series("RedisClaimLoad (claim.lua)").points()).extracting(Point::y)
        .containsExactly(21.0, 25.0);

    // no generateAndLoad in the fixture: that bar is left out
    assertThat(charts.get(4).series().get(0).points()).extracting(Point::label, Point::y).containsExactly(
        tuple("in-memory: generate (JMH)", 6_500_000.0), tuple("Redis: load only", 2_500_000.0),
        tuple("Redis: generate + load", 950_000.0), tuple("PostgreSQL: generate + load", 200_000.0),
        tuple("MariaDB: generate + load", 150_000.0));
    assertThat(charts.get(5).yTitle()).startsWith("µs/op");
    assertThat(charts.get(5).series().get(0).points()).extracting(Point::y).containsExactly(3.0, 131.0);
  }

  @Test
  void models_missingData_skipsWithMessage(@TempDir Path empty) {
    List<String> skipped = new ArrayList<>();
    assertThat(BenchmarkCharts.models(BenchmarkResults.read(empty), skipped::add)).isEmpty();
    assertThat(skipped).hasSize(6).allMatch(s -> s.startsWith("skipped "));
  }

  @Test
  void read_malformedLine_failsNamingTheLine(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("bad.jsonl"), "{\"program\":\"pgbench\",\"clients\":1}\n{\"program\": oops}\n",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> BenchmarkResults.read(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.jsonl line 2").hasMessageContaining("not valid JSON");
  }

  @Test
  void read_lineWithoutProgram_fails(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("x.jsonl"), "{\"clients\":1}\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> BenchmarkResults.read(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.jsonl line 1").hasMessageContaining("missing \"program\"");
  }

  @Test
  void read_jmhWithoutScore_fails(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("j.json"),
        "[{\"benchmark\":\"a.B.c\",\"mode\":\"thrpt\",\"threads\":1,\"primaryMetric\":{\"scoreUnit\":\"ops/s\"}}]",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> BenchmarkResults.read(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("j.json entry 0").hasMessageContaining("missing \"score\"");
  }

  @Test
  void write_pngAndSvg(@TempDir Path out) throws IOException {
    List<Path> written = BenchmarkCharts.write(fixture, out, s -> { });
    assertThat(written).hasSize(12);
    for (Path f : written) {
      assertThat(f).exists();
      assertThat(Files.size(f)).as(f.toString()).isGreaterThan(1000);
    }
    byte[] png = Files.readAllBytes(out.resolve("claims-per-thread.png"));
    assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(Files.readString(out.resolve("claims-per-thread.svg"))).contains("<svg");
  }
}
