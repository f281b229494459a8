package io.couponengine.jdbc;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Result-set rows to the engine's values, in the column orders of the statements in {@link Sql}. */
final class Rows {
  private Rows() {}

  /** Reads the {@link Sql#COUPON_COLUMNS} from the first column on. */
  static Coupon coupon(ResultSet rs) throws SQLException {
    return couponAt(rs, 1);
  }

  /** Reads the {@link Sql#COUPON_COLUMNS} starting at column {@code from}. */
  static Coupon couponAt(ResultSet rs, int from) throws SQLException {
    long validFromUs = rs.getLong(from + 8);
    Instant validFrom = rs.wasNull() ? null : Micros.toInstant(validFromUs); // wasNull: of the last column read
    return new Coupon(rs.getString(from), rs.getString(from + 1), rs.getString(from + 2), rs.getString(from + 3),
        Micros.toInstant(rs.getLong(from + 4)), Micros.toInstant(rs.getLong(from + 5)),
        CouponStatus.valueOf(rs.getString(from + 6)), rs.getString(from + 7),
        validFrom);
  }

  /**
   * Reads {@code status, failure_reason, template_json, added_count}: the status, reason and added count columns
   * win over the JSON (written once, at insert).
   */
  static Template template(ResultSet rs) throws SQLException {
    Template json = Template.fromJson(rs.getString(3));
    return new Template(json.id(), json.spec(), TemplateStatus.valueOf(rs.getString(1)), json.createdAt(),
        rs.getString(2), rs.getLong(4));
  }
}
