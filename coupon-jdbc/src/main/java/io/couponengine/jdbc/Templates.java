package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.batch;
import static io.couponengine.jdbc.Jdbc.query;
import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Template rows and their code pools: the store's template and code-loading operations. */
final class Templates {
  private final Tx tx;
  private final Sql sql;
  private final Dialect dialect;

  Templates(Tables tables) {
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.dialect = tables.dialect();
  }

  boolean insert(Template t) {
    return tx.run("insert template", c -> {
      try {
        update(c, sql.insertTemplate, t.id(), t.status().name(), t.failureReason(), Micros.of(t.createdAt()),
            t.toJson());
        return true;
      } catch (SQLException e) {
        if (SqlErrors.isUniqueViolation(e)) {
          c.rollback();
          return false;
        }
        throw e;
      }
    });
  }

  Optional<Template> find(String templateId) {
    return tx.run("find template",
        c -> Optional.ofNullable(queryOne(c, sql.findTemplate, Rows::template, templateId)));
  }

  List<Template> find(TemplateStatus status) {
    return tx.run("find templates", c -> query(c, sql.findTemplatesByStatus, Rows::template, status.name()));
  }

  /**
   * Compare-and-set of the status. Leaving AVAILABLE (a pause, an expiry) waits for the claims that read the
   * template AVAILABLE: each holds a share lock on the template row until it commits (H2: an exclusive one), and the
   * UPDATE needs the row exclusively, so no claim is recorded after this returns. On PostgreSQL the table is first
   * locked IN EXCLUSIVE MODE: share lockers of a row do not queue behind a waiting UPDATE there, so a steady stream
   * of claims would keep the UPDATE waiting; the table lock makes new claims queue behind it (plain reads go on).
   */
  boolean updateStatus(String templateId, TemplateStatus expected, TemplateStatus next, String reason) {
    return tx.run("update template status", c -> {
      if (dialect == Dialect.POSTGRESQL && expected == TemplateStatus.AVAILABLE) {
        update(c, sql.lockTemplatesTablePg);
      }
      return update(c, sql.updateTemplateStatus, next.name(), reason, templateId, expected.name()) == 1;
    });
  }

  long appendCodes(String templateId, long offset, List<String> codes) {
    return tx.run("append codes", c -> {
      Long locked = queryOne(c, sql.lockTemplateLoaded, rs -> rs.getLong(1), templateId);
      if (locked == null) {
        throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
      }
      long loaded = locked;
      if (offset + codes.size() <= loaded) {
        return loaded; // a retried batch: already in
      }
      if (offset != loaded) {
        throw CouponException.of(ErrorCode.CONFLICT,
            "template '%s' has %d codes loaded; a batch at offset %d does not fit", templateId, loaded, offset);
      }
      if (dialect == Dialect.POSTGRESQL) {
        java.sql.Array array = c.createArrayOf("varchar", codes.toArray());
        update(c, sql.insertCodesPg, templateId, offset, array);
        array.free();
      } else {
        // JDBC batches; with the driver's rewrite option they travel as multi-row INSERTs
        batch(c, sql.insertCode, codes.size(), i -> new Object[] {templateId, offset + i, codes.get(i)});
      }
      long after = loaded + codes.size();
      update(c, sql.setTemplateLoaded, after, templateId);
      return after;
    });
  }

  long remainingCodes(String templateId) {
    return tx.run("remaining codes", c -> queryOne(c, sql.countCodes, rs -> rs.getLong(1), templateId));
  }
}
