package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Every option of {@link JdbcCouponStore.Builder}: what it refuses (INVALID_ARGUMENT naming the option), that it
 * may be set once, its default, and how dialect detection fails. Databases are real: in-process H2, and a
 * PostgreSQL driver pointed at a closed port for an unreachable one.
 */
class JdbcCouponStoreBuilderTest {

  private static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:buildertest");
    return ds;
  }

  @Test
  void createSchemaIfMissing_createsOnce_andSchemaExistsSaysSo() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:ifmissing;DB_CLOSE_DELAY=-1");
    JdbcCouponStore store = JdbcCouponStore.builder(ds).tablePrefix("im_").build();
    JdbcCouponStore other = JdbcCouponStore.builder(ds).tablePrefix("other_").build();
    assertThat(store.schemaExists()).isFalse();
    assertThat(store.createSchemaIfMissing()).isTrue();
    assertThat(store.schemaExists()).isTrue();
    assertThat(store.createSchemaIfMissing()).isFalse(); // createSchema() itself would fail on existing tables
    assertThat(other.schemaExists()).isFalse();          // per prefix
    store.dropSchema();
    assertThat(store.schemaExists()).isFalse();
  }

  @Test
  void schemaExists_unreachableDatabase_isStoreUnavailable() {
    JdbcCouponStore store = JdbcCouponStore.builder(unreachable()).dialect(Dialect.POSTGRESQL).build();
    assertThatThrownBy(store::schemaExists).isInstanceOf(CouponException.class)
        .satisfies(e -> assertCode(e, ErrorCode.STORE_UNAVAILABLE));
  }

  /** Nothing listens on port 1: every connection attempt fails with SQLState 08001, a transient failure. */
  private static DataSource unreachable() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL("jdbc:postgresql://127.0.0.1:1/postgres?user=postgres&connectTimeout=5");
    return ds;
  }

  @Test
  void shouldRequireDataSource() {
    assertInvalid(() -> JdbcCouponStore.builder(null), "dataSource");
  }

  @Test
  void shouldRequireValidTablePrefix() {
    DataSource ds = h2();
    assertInvalid(() -> JdbcCouponStore.builder(ds).tablePrefix(null), "tablePrefix");
    assertInvalid(() -> JdbcCouponStore.builder(ds).tablePrefix(""), "tablePrefix");
    assertInvalid(() -> JdbcCouponStore.builder(ds).tablePrefix("Upper_"), "tablePrefix");
    assertInvalid(() -> JdbcCouponStore.builder(ds).tablePrefix("1st_"), "tablePrefix");
    assertInvalid(() -> JdbcCouponStore.builder(ds).tablePrefix("_x"), "tablePrefix");
    assertInvalid(() -> JdbcCouponStore.builder(ds).tablePrefix("x; DROP TABLE y"), "tablePrefix");
    assertInvalid(() -> JdbcCouponStore.builder(ds).tablePrefix("a".repeat(25)), "tablePrefix");

    assertThat(JdbcCouponStore.builder(ds).tablePrefix("a").dialect(Dialect.H2).build().tablePrefix())
        .isEqualTo("a");
    assertThat(JdbcCouponStore.builder(ds).tablePrefix("a".repeat(24)).dialect(Dialect.H2).build().tablePrefix())
        .isEqualTo("a".repeat(24));
    assertThat(JdbcCouponStore.builder(ds).tablePrefix("shop_v2_").dialect(Dialect.H2).build().tablePrefix())
        .isEqualTo("shop_v2_");
  }

  @Test
  void shouldRequireValidMaxAttempts() {
    DataSource ds = h2();
    assertInvalid(() -> JdbcCouponStore.builder(ds).maxAttempts(0), "maxAttempts");
    assertInvalid(() -> JdbcCouponStore.builder(ds).maxAttempts(-1), "maxAttempts");
    assertInvalid(() -> JdbcCouponStore.builder(ds).maxAttempts(Integer.MIN_VALUE), "maxAttempts");
  }

  @Test
  void shouldAttemptEachTransactionMaxAttemptsTimes() {
    AtomicInteger connections = new AtomicInteger();
    JdbcCouponStore store = JdbcCouponStore.builder(counting(unreachable(), connections))
        .dialect(Dialect.POSTGRESQL).maxAttempts(2).build();

    assertStoreUnavailable(() -> store.remainingCodes("T1"));
    assertThat(connections).hasValue(2);
  }

  @Test
  void shouldRequireDialect() {
    assertInvalid(() -> JdbcCouponStore.builder(h2()).dialect(null), "dialect");
  }

  @Test
  void shouldUseGivenDialectWithoutConnecting() {
    AtomicInteger connections = new AtomicInteger();
    JdbcCouponStore store = JdbcCouponStore.builder(counting(unreachable(), connections))
        .dialect(Dialect.MYSQL).build();

    assertThat(store.dialect()).isEqualTo(Dialect.MYSQL);
    assertThat(connections).hasValue(0);
  }

  @Test
  void shouldRefuseSettingTwice() {
    DataSource ds = h2();
    assertAlreadySet(() -> JdbcCouponStore.builder(ds).dialect(Dialect.H2).dialect(Dialect.H2), "dialect");
    assertAlreadySet(() -> JdbcCouponStore.builder(ds).tablePrefix("a_").tablePrefix("b_"), "tablePrefix");
    assertAlreadySet(() -> JdbcCouponStore.builder(ds).maxAttempts(3).maxAttempts(4), "maxAttempts");
  }

  @Test
  void shouldApplyDocumentedDefaults() {
    JdbcCouponStore store = JdbcCouponStore.builder(h2()).build();
    assertThat(store.dialect()).isEqualTo(Dialect.H2);
    assertThat(store.tablePrefix()).isEqualTo("coupon_");

    AtomicInteger connections = new AtomicInteger();
    JdbcCouponStore unreachable = JdbcCouponStore.builder(counting(unreachable(), connections))
        .dialect(Dialect.POSTGRESQL).build();
    assertStoreUnavailable(() -> unreachable.remainingCodes("T1"));
    assertThat(connections).as("attempts per transaction").hasValue(5);
  }

  @Test
  void shouldNotChangeBuiltStoreWhenBuilderIsReused() {
    JdbcCouponStore.Builder b = JdbcCouponStore.builder(h2()).tablePrefix("x_");
    JdbcCouponStore first = b.build();
    JdbcCouponStore second = b.dialect(Dialect.MYSQL).build();
    assertThat(first.dialect()).isEqualTo(Dialect.H2);
    assertThat(second.dialect()).isEqualTo(Dialect.MYSQL);
    assertThat(second.tablePrefix()).isEqualTo("x_");
  }

  @Test
  void shouldRefuseUnknownDatabaseWhenDetectingDialect() {
    DataSource oracle = reportingProduct(h2(), "Oracle");

    assertThatThrownBy(() -> JdbcCouponStore.builder(oracle).build())
        .isInstanceOf(CouponException.class)
        .hasMessageContaining("Oracle")
        .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT))
        .satisfies(e -> assertField(e, "dataSource"));
    // a dialect given explicitly is not second-guessed
    assertThat(JdbcCouponStore.builder(oracle).dialect(Dialect.POSTGRESQL).build().dialect())
        .isEqualTo(Dialect.POSTGRESQL);
  }

  @Test
  void shouldAnswerStoreUnavailableWhenDialectCannotBeDetected() {
    assertStoreUnavailable(() -> JdbcCouponStore.builder(unreachable()).build());
    assertThatThrownBy(() -> JdbcCouponStore.builder(unreachable()).build())
        .hasCauseInstanceOf(SQLException.class);
    // a pool without a URL fails with an IllegalArgumentException of its own
    try (HikariDataSource noUrl = new HikariDataSource()) {
      assertStoreUnavailable(() -> JdbcCouponStore.builder(noUrl).build());
    }
  }

  @Test
  void shouldDetectDialectAnsweringOnlyCouponExceptions() throws SQLException {
    assertInvalid(() -> Dialect.detect(null), "connection");
    try (Connection c = h2().getConnection()) {
      assertThat(Dialect.detect(c)).isEqualTo(Dialect.H2);
    }
    try (Connection c = reportingProduct(h2(), "Oracle").getConnection()) {
      assertInvalid(() -> Dialect.detect(c), "connection");
    }
    Connection closed = h2().getConnection();
    closed.close();
    assertStoreUnavailable(() -> Dialect.detect(closed));
  }

  // ---- assertions ----------------------------------------------------------------------------------------------

  private static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOf(CouponException.class)
        .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT))
        .satisfies(e -> assertField(e, field));
  }

  private static void assertAlreadySet(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOf(CouponException.class)
        .hasMessageContaining("already set")
        .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT))
        .satisfies(e -> assertField(e, field));
  }

  private static void assertStoreUnavailable(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(CouponException.class)
        .satisfies(e -> assertCode(e, ErrorCode.STORE_UNAVAILABLE));
  }

  private static void assertCode(Throwable e, ErrorCode code) {
    assertThat(((CouponException) e).code()).isEqualTo(code);
  }

  private static void assertField(Throwable e, String field) {
    assertThat(((CouponException) e).violations()).hasSize(1);
    assertThat(((CouponException) e).violations().get(0).field()).isEqualTo(field);
  }

  // ---- real data sources, wrapped --------------------------------------------------------------------------------

  /** Counts connection requests to a real data source. */
  private static DataSource counting(DataSource real, AtomicInteger connections) {
    return wrap(DataSource.class, real, (method, proceed) -> {
      if (method.getName().equals("getConnection")) {
        connections.incrementAndGet();
      }
      return proceed.call();
    });
  }

  /** A real data source whose connections' metadata name another database product. */
  private static DataSource reportingProduct(DataSource real, String product) {
    return wrap(DataSource.class, real, (m1, p1) -> {
      Object result = p1.call();
      return result instanceof Connection c ? wrap(Connection.class, c, (m2, p2) -> {
        Object meta = p2.call();
        return meta instanceof DatabaseMetaData md ? wrap(DatabaseMetaData.class, md,
            (m3, p3) -> m3.getName().equals("getDatabaseProductName") ? product : p3.call()) : meta;
      }) : result;
    });
  }

  /** Around-advice for one call on a wrapped object: {@code proceed} calls the real object. */
  @FunctionalInterface
  private interface Around {
    Object call(Method method, Callable<Object> proceed) throws Exception;
  }

  private static <T> T wrap(Class<T> type, T real, Around around) {
    return type.cast(Proxy.newProxyInstance(JdbcCouponStoreBuilderTest.class.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> around.call(method, () -> {
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) {
              throw x;
            }
            throw (Error) e.getCause();
          }
        })));
  }
}
