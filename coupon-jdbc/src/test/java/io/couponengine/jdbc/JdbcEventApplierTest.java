package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * The public entry point of {@link JdbcEventApplier}: its constructor. Applying events is tested against every
 * database in {@link AbstractJdbcStoreTest}.
 */
class JdbcEventApplierTest {

  @Test
  void shouldRequireStore() {
    assertThatThrownBy(() -> new JdbcEventApplier(null))
        .isInstanceOf(CouponException.class)
        .satisfies(e -> assertThat(((CouponException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .satisfies(e -> assertThat(((CouponException) e).violations().get(0).field()).isEqualTo("store"));
  }
}
