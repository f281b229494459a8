package io.couponengine.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Money is BigDecimal everywhere: no {@code double} or {@code float} (nor their boxes) in coupon-core's main code.
 * Comments and string literals are stripped first, so prose such as "never a double" does not count.
 */
class NoFloatingPointTest {
  private static final Pattern FORBIDDEN = Pattern.compile("\\b(double|float|Double|Float)\\b");
  /** Block comments, line comments, string and char literals (text blocks are not used in main code). */
  private static final Pattern NOT_CODE =
      Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);

  @Test
  void mainSources_noFloatingPointTypes() throws IOException {
    Path root = Paths.get("src/main/java");
    assertThat(root).as("run from the coupon-core module directory").isDirectory();
    List<String> hits = new ArrayList<>();
    int files = 0;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.filter(f -> f.toString().endsWith(".java"))::iterator) {
        files++;
        String code = NOT_CODE.matcher(Files.readString(p, StandardCharsets.UTF_8)).replaceAll(" ");
        Matcher m = FORBIDDEN.matcher(code);
        while (m.find()) {
          hits.add(root.relativize(p) + ": " + m.group());
        }
      }
    }
    assertThat(files).isGreaterThan(10);
    assertThat(hits).as("floating-point types in coupon-core main code").isEmpty();
  }

  @Test
  void stripper_keepsCodeDropsComments() {
    String src = "/** a double */ int x; // float\n String s = \"Double\"; double y;";
    String code = NOT_CODE.matcher(src).replaceAll(" ");
    Matcher m = FORBIDDEN.matcher(code);
    assertThat(m.find()).isTrue();
    assertThat(m.group()).isEqualTo("double");
    assertThat(m.find()).isFalse();
  }
}
