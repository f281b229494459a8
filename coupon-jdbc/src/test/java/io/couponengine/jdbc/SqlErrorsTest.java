package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

  @Test
  void isTransient_retryableStatesAndVendorCodes() {
    assertThat(SqlErrors.isTransient(new SQLException("serialization", "40001"))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("deadlock", "40P01"))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("terminated", "57P01"))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("io", "08006"))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("deadlock", "40001", 1213))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("lock wait", "HY000", 1205))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("h2 lock", "HYT00", 50200))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("syntax", "42601"))).isFalse();
    assertThat(SqlErrors.isTransient(new SQLException("dup", "23505"))).isFalse();
    assertThat(SqlErrors.isTransient(new SQLTransientConnectionException("pool timeout", (String) null))).isFalse();
  }

  @Test
  void translate_uniqueViolationIsConflict_restIsStoreUnavailable() {
    SQLException dup = new SQLException("dup", "23000", 1062);
    assertThat(SqlErrors.isUniqueViolation(dup)).isTrue();
    assertThat(SqlErrors.translate("claim", dup).code()).isEqualTo(ErrorCode.CONFLICT);
    SQLException other = new SQLException("disk full", "53100");
    assertThat(SqlErrors.translate("claim", other).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    assertThat(SqlErrors.translate("claim", other).getCause()).isSameAs(other);
  }

  @Test
  void builder_shouldRequireValidPrefixAndSingleSet() {
    DataSource ds = new JdbcDataSource();
    assertThatThrownBy(() -> JdbcCouponStore.builder(ds).tablePrefix("x; DROP TABLE y"))
        .isInstanceOf(io.couponengine.error.CouponException.class);
    assertThatThrownBy(() -> JdbcCouponStore.builder(ds).tablePrefix("Upper_"))
        .isInstanceOf(io.couponengine.error.CouponException.class);
    assertThatThrownBy(() -> JdbcCouponStore.builder(ds).tablePrefix("a").tablePrefix("b"))
        .isInstanceOf(io.couponengine.error.CouponException.class);
    assertThatThrownBy(() -> JdbcCouponStore.builder(ds).maxAttempts(0))
        .isInstanceOf(io.couponengine.error.CouponException.class);
    assertThat(JdbcCouponStore.builder(ds).dialect(Dialect.H2).build().tablePrefix()).isEqualTo("coupon_");
  }

  @Test
  void claimRoutineStates_missingRoutineAndNotReadCommitted() {
    assertThat(SqlErrors.isMissingRoutine(new SQLException("no function", "42883"))).isTrue();
    assertThat(SqlErrors.isMissingRoutine(new SQLException("no procedure", "42000", 1305))).isTrue();
    assertThat(SqlErrors.isMissingRoutine(new SQLException("syntax", "42601"))).isFalse();
    assertThat(SqlErrors.isNotReadCommitted(new SQLException("isolation", "CE001"))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("isolation", "CE001"))).isFalse();
  }

  @Test
  void schemaStatements_claimRoutineIsOneStatement_withItsBodyWhole() {
    List<String> pg = JdbcCouponStore.schemaStatements(Dialect.POSTGRESQL, "p_");
    String function = pg.stream().filter(st -> st.startsWith("CREATE FUNCTION p_claim(")).findFirst().orElseThrow();
    assertThat(function).contains("LANGUAGE plpgsql").contains("FOR UPDATE SKIP LOCKED").endsWith("$$");
    assertThat(function.split("\\$\\$", -1)).hasSize(3);
    List<String> my = JdbcCouponStore.schemaStatements(Dialect.MYSQL, "p_");
    String procedure = my.stream().filter(st -> st.startsWith("CREATE PROCEDURE p_claim(")).findFirst().orElseThrow();
    assertThat(procedure).contains("START TRANSACTION").contains("RESIGNAL").endsWith("END");
    assertThat(String.join("\n", my)).doesNotContain("DELIMITER").doesNotContain("//");
    assertThat(JdbcCouponStore.schemaStatements(Dialect.H2, "p_")).noneMatch(st -> st.contains("p_claim"));
    for (Dialect d : List.of(Dialect.POSTGRESQL, Dialect.MYSQL)) {
      assertThat(Schema.migrationStatements(d, "V2__coupon_0_2.sql", "p_")).as(d.name())
          .anyMatch(st -> st.startsWith("CREATE FUNCTION p_claim(") || st.startsWith("CREATE PROCEDURE p_claim("));
    }
  }

  @Test
  void schemaStatements_everyDialectHasEveryTable() {
    for (Dialect d : Dialect.values()) {
      String all = String.join("\n", JdbcCouponStore.schemaStatements(d, "p_"));
      for (String table : new String[] {"templates", "codes", "user_claims", "coupons", "orders", "order_codes",
          "applied_events", "template_stats", "code_index", "entry_codes",
          "code_failures"}) {
        assertThat(all).as(d + " " + table).contains("CREATE TABLE p_" + table + " (");
      }
      assertThat(all).doesNotContain("${prefix}");
    }
  }
}
