package io.couponengine.benchmarks.charts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The benchmark results of a data directory: JMH result files and load-program result lines.
 *
 * <ul>
 *   <li>{@code *.json}: a JMH result file as {@code -rf json} writes it, an array of objects with {@code benchmark},
 *       {@code mode}, {@code threads}, {@code params} and {@code primaryMetric} ({@code score}, {@code scoreError},
 *       {@code scoreUnit}).</li>
 *   <li>{@code *.jsonl}: one JSON object per line (blank lines and lines starting with {@code #} are skipped). Each
 *       object names its {@code program} and, where it ran at a client count, {@code clients} (or {@code threads});
 *       {@code store} tells stores apart. The other fields are what the program printed. The programs
 *       {@code benchmarks/charts-data.sh} writes:
 *       <ul>
 *         <li>{@code redis-claim-load}: RedisClaimLoad's last line ({@code claims_per_sec},
 *             {@code redis_us_per_script}, {@code code_load_per_sec}, {@code generate_and_load_per_sec});</li>
 *         <li>{@code jdbc-claim-load} with {@code store} {@code postgresql} or {@code mariadb}: JdbcClaimLoad's last
 *             line ({@code claims_per_sec}, {@code code_load_per_sec});</li>
 *         <li>{@code redis-reference}: the physical-limit reference claim script run by {@code redis-benchmark}
 *             ({@code claims_per_sec}; {@code us_per_call}, Redis's own time per EVALSHA from
 *             {@code INFO commandstats});</li>
 *         <li>{@code pgbench} with {@code store} {@code postgresql}: pgbench on the store's claim statement
 *             ({@code claims_per_sec}, its tps).</li>
 *       </ul></li>
 * </ul>
 *
 * <p>A file that is not valid JSON, or a JMH entry or line missing a required field, fails the read with an
 * {@link IllegalArgumentException} naming the file (and line).
 *
 * @param jmh the JMH results, in file-name order
 * @param lines the load-program and reference lines, in file-name and line order
 */
public record BenchmarkResults(List<JmhResult> jmh, List<LoadLine> lines) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Copies the lists.
   *
   * @param jmh the JMH results
   * @param lines the load-program lines
   */
  public BenchmarkResults {
    jmh = List.copyOf(jmh);
    lines = List.copyOf(lines);
  }

  /**
   * One JMH result.
   *
   * @param benchmark the benchmark's full name ({@code package.Class.method})
   * @param mode the mode ({@code thrpt}, {@code avgt}, {@code sample}, ...)
   * @param threads the thread count
   * @param params the {@code @Param} values (empty when none)
   * @param score the primary metric's score
   * @param scoreError the score's error (NaN when JMH gives none)
   * @param unit the score's unit, such as {@code ops/s} or {@code us/op}
   */
  public record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, double score,
      double scoreError, String unit) {

    /**
     * Copies the params.
     *
     * @param benchmark the benchmark's full name
     * @param mode the mode
     * @param threads the thread count
     * @param params the params
     * @param score the score
     * @param scoreError the error
     * @param unit the unit
     */
    public JmhResult {
      params = Collections.unmodifiableMap(new TreeMap<>(params));
    }

    /**
     * The benchmark's class and method, such as {@code ClaimBenchmark.claim}.
     *
     * @return the last two parts of the name
     */
    public String shortName() {
      String[] parts = benchmark.split("\\.");
      return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }
  }

  /**
   * One load-program or reference line.
   *
   * @param program the program, such as {@code redis-claim-load}
   * @param store the store ({@code redis}, {@code postgresql}, ...), or empty when the line names none
   * @param clients the client threads or connections, or 0 when the line names none
   * @param fields the whole object
   */
  public record LoadLine(String program, String store, int clients, JsonNode fields) {

    /**
     * A numeric field.
     *
     * @param name the field's name
     * @return its value, or NaN when the line has no such numeric field
     */
    public double number(String name) {
      JsonNode n = fields.get(name);
      return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }
  }

  /**
   * Reads every {@code *.json} and {@code *.jsonl} file of a directory (not its subdirectories).
   *
   * @param dir the data directory
   * @return the results; empty lists when the directory holds no such file
   * @throws IllegalArgumentException if the directory does not exist or a file is malformed
   * @throws UncheckedIOException if a file cannot be read
   */
  public static BenchmarkResults read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JmhResult> jmh = new ArrayList<>();
    List<LoadLine> lines = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.endsWith(".json")) {
        jmh.addAll(readJmh(f));
      } else if (name.endsWith(".jsonl")) {
        lines.addAll(readLines(f));
      }
    }
    return new BenchmarkResults(jmh, lines);
  }

  /**
   * Reads one JMH result file.
   *
   * @param file the file, as {@code -rf json} writes it
   * @return its results
   * @throws IllegalArgumentException if the file is not a JMH result array
   * @throws UncheckedIOException if it cannot be read
   */
  public static List<JmhResult> readJmh(Path file) {
    JsonNode root;
    try {
      root = MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(file + ": expected a JMH result array (-rf json)");
    }
    List<JmhResult> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode e = root.get(i);
      String where = file + " entry " + i;
      JsonNode metric = require(e, "primaryMetric", where);
      Map<String, String> params = new TreeMap<>();
      JsonNode p = e.get("params");
      if (p != null && p.isObject()) {
        p.properties().forEach(kv -> params.put(kv.getKey(), kv.getValue().asText()));
      }
      JsonNode error = metric.get("scoreError");
      out.add(new JmhResult(require(e, "benchmark", where).asText(), require(e, "mode", where).asText(),
          requireNumber(e, "threads", where).asInt(), params, requireNumber(metric, "score", where).asDouble(),
          error != null && error.isNumber() ? error.asDouble() : Double.NaN,
          require(metric, "scoreUnit", where).asText()));
    }
    return out;
  }

  /**
   * Reads one file of JSON lines.
   *
   * @param file the file
   * @return its lines
   * @throws IllegalArgumentException if a line is not a JSON object with a {@code program}
   * @throws UncheckedIOException if it cannot be read
   */
  public static List<LoadLine> readLines(Path file) {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<LoadLine> out = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      JsonNode o;
      try {
        o = MAPPER.readTree(line);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (o == null || !o.isObject()) {
        throw new IllegalArgumentException(where + ": expected a JSON object");
      }
      JsonNode clients = o.has("clients") ? o.get("clients") : o.get("threads");
      if (clients != null && !clients.isNumber()) {
        throw new IllegalArgumentException(where + ": clients/threads is not a number");
      }
      JsonNode store = o.get("store");
      out.add(new LoadLine(require(o, "program", where).asText(), store == null ? "" : store.asText(),
          clients == null ? 0 : clients.asInt(), o));
    }
    return out;
  }

  private static JsonNode require(JsonNode o, String field, String where) {
    JsonNode n = o == null ? null : o.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException(where + ": missing \"" + field + "\"");
    }
    return n;
  }

  private static JsonNode requireNumber(JsonNode o, String field, String where) {
    JsonNode n = require(o, field, where);
    if (!n.isNumber()) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" is not a number");
    }
    return n;
  }
}
