package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.batch;
import static io.couponengine.jdbc.Jdbc.query;
import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import io.couponengine.internal.Preconditions;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import java.sql.Connection;
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

  /**
   * Inserts the template row and, for a template with a shared code, that code's row in the code index, in one
   * transaction: a taken id answers false (nothing stored), a taken code throws (the template row is rolled back
   * with it), so a shared code belongs to exactly one template whichever of two inserts commits first.
   */
  boolean insert(Template t) {
    String shared = t.spec().sharedCode();
    return tx.run("insert template", c -> {
      try {
        update(c, sql.insertTemplate, t.id(), t.status().name(), t.failureReason(), t.addedCount(),
            Micros.of(t.createdAt()), t.toJson());
      } catch (SQLException e) {
        if (SqlErrors.isUniqueViolation(e)) {
          c.rollback();
          return false;
        }
        throw e;
      }
      if (shared != null) {
        try {
          update(c, sql.insertCodeIndex, shared, t.id());
        } catch (SQLException e) {
          if (SqlErrors.isUniqueViolation(e)) {
            throw sharedCodeTaken(shared); // Tx rolls the template row back
          }
          throw e;
        }
      }
      return true;
    });
  }

  /** The refusal of a template whose shared code another template or an import has (as the in-memory store). */
  static CouponException sharedCodeTaken(String code) {
    return CouponException.invalidTemplate(
        List.of(new Violation("sharedCode", "'" + code + "' is already a code of another template")));
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

  /**
   * Loads a batch of codes, idempotent by offset. The loaded count is the {@code loaded} column, never the pool
   * (claims shrink the pool while added stock loads). The template row is locked first and nothing else is held
   * before it: a claim locks the template row first too (share-locked on PostgreSQL and MySQL, FOR UPDATE on H2),
   * so a batch waits for the claims that hold the row and new claims wait for the batch, with no lock cycle. The
   * inserted rows are new, so SKIP LOCKED claims neither wait for them nor take them before the commit. A CODE_ENTRY
   * template's codes also get their {@code entry_codes} rows (code to seq), in the same transaction.
   */
  long appendCodes(String templateId, long offset, List<String> codes) {
    return tx.run("append codes", c -> {
      Object[] locked = queryOne(c, sql.lockTemplateForAppend,
          rs -> new Object[] {rs.getLong(1), rs.getString(2)}, templateId);
      if (locked == null) {
        throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
      }
      long loaded = (Long) locked[0];
      if (offset + codes.size() <= loaded) {
        return loaded; // a retried batch: already in
      }
      if (offset != loaded) {
        throw CouponException.of(ErrorCode.CONFLICT,
            "template '%s' has %d codes loaded; a batch at offset %d does not fit", templateId, loaded, offset);
      }
      boolean entry = Template.fromJson((String) locked[1]).spec().distribution() == Distribution.CODE_ENTRY;
      if (dialect == Dialect.POSTGRESQL) {
        java.sql.Array array = c.createArrayOf("varchar", codes.toArray());
        update(c, sql.insertCodesPg, templateId, offset, array);
        if (entry) {
          update(c, sql.insertEntryCodesPg, templateId, offset, array);
        }
        array.free();
      } else {
        // JDBC batches; with the driver's rewrite option they travel as multi-row INSERTs
        batch(c, sql.insertCode, codes.size(), i -> new Object[] {templateId, offset + i, codes.get(i)});
        if (entry) {
          batch(c, sql.insertEntryCode, codes.size(), i -> new Object[] {templateId, codes.get(i), offset + i});
        }
      }
      long after = loaded + codes.size();
      update(c, sql.setTemplateLoaded, after, templateId);
      return after;
    });
  }

  /**
   * The template's code-permutation key: {@code proposedKey} is stored when the template has none (a conditional
   * UPDATE: of two proposals the second matches no row), then the stored key is read, in one transaction. A key
   * already stored is answered by a plain read first, without the row lock the UPDATE would wait for behind claims.
   */
  String codeKey(String templateId, String proposedKey) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireId(proposedKey, "proposedKey");
    return tx.run("code key", c -> {
      String stored = readCodeKey(c, templateId);
      if (stored != null) {
        return stored;
      }
      update(c, sql.setCodeKey, proposedKey, templateId);
      stored = readCodeKey(c, templateId);
      if (stored == null) {
        throw new SQLException("template " + templateId + " has no code key after setting one", "40001");
      }
      return stored;
    });
  }

  /** The stored key, null when there is none yet; TEMPLATE_NOT_FOUND without the row. */
  private String readCodeKey(Connection c, String templateId) throws SQLException {
    List<String> key = query(c, sql.findCodeKey, rs -> rs.getString(1), templateId);
    if (key.isEmpty()) {
      throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
    }
    return key.get(0);
  }

  /**
   * Adds {@code count} to the template's {@code added_count} under the template row's lock (the lock appendCodes
   * takes) and answers {@code loaded}: where the caller's generation starts. {@code count == 0} only reads (still
   * under the lock, so a batch in flight has committed or not started).
   */
  long addToTotal(String templateId, long count) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(count, 0, TemplateSpec.MAX_TOTAL_COUNT, "count");
    return tx.run("add to total", c -> {
      long[] row = queryOne(c, sql.lockTemplateTotal,
          rs -> new long[] {rs.getLong(1), rs.getLong(2), Template.fromJson(rs.getString(3)).spec().totalCount()},
          templateId);
      if (row == null) {
        throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
      }
      long loaded = row[0];
      long total = row[2] + row[1];
      if (count > TemplateSpec.MAX_TOTAL_COUNT - total) {
        throw CouponException.invalidField("count", "must be at most %d for template '%s' (total %d)",
            TemplateSpec.MAX_TOTAL_COUNT - total, templateId, total);
      }
      if (count > 0) {
        update(c, sql.addToTemplateTotal, count, templateId);
      }
      return loaded;
    });
  }

  long remainingCodes(String templateId) {
    return tx.run("remaining codes", c -> queryOne(c, sql.countCodes, rs -> rs.getLong(1), templateId));
  }
}
