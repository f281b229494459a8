package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.batch;
import static io.couponengine.jdbc.Jdbc.query;
import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The code index and the pool seen from outside the claim: which template a shared or imported code belongs to,
 * imports of external codes, and streaming a pool.
 */
final class Imports {
  /** Codes per IN list on H2 and MySQL (a statement per slice, well under every driver's parameter limit). */
  private static final int SLICE = 1_000;

  private final Tx tx;
  private final Sql sql;
  private final Dialect dialect;

  Imports(Tables tables) {
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.dialect = tables.dialect();
  }

  Optional<String> templateIdOf(String code) {
    return tx.run("find template by code",
        c -> Optional.ofNullable(queryOne(c, sql.findTemplateIdByCode, rs -> rs.getString(1), code)));
  }

  /**
   * Imports a batch in one transaction. The template row is locked first (as appendCodes locks it: claims of the
   * template wait for the batch, concurrent imports into it take turns), then every code nobody has is indexed to
   * the template and pooled with the next {@code seq} numbers (a CODE_ENTRY template's also get their
   * {@code entry_codes} rows), and {@code loaded} and {@code added_count} grow by the number added. The code index's
   * primary key settles races between templates: an insert of a code another transaction inserted waits for it and
   * is skipped once it commits. The codes are inserted in sorted order, so two
   * imports with overlapping codes wait for each other in one direction only, never in a cycle.
   */
  long importCodes(String templateId, List<String> codes) {
    List<String> sorted = new ArrayList<>(codes);
    sorted.sort(null);
    return tx.run("import codes", c -> {
      Object[] row = queryOne(c, sql.lockTemplateTotal,
          rs -> new Object[] {rs.getLong(1), rs.getLong(2), Template.fromJson(rs.getString(3)).spec()}, templateId);
      if (row == null) {
        throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
      }
      long loaded = (Long) row[0];
      TemplateSpec spec = (TemplateSpec) row[2];
      long total = spec.totalCount() + (Long) row[1];
      boolean entry = spec.distribution() == Distribution.CODE_ENTRY;
      long added;
      if (dialect == Dialect.POSTGRESQL) {
        Array array = c.createArrayOf("varchar", sorted.toArray());
        added = queryOne(c, entry ? sql.importEntryCodesPg : sql.importCodesPg, rs -> rs.getLong(1), templateId, array,
            templateId, loaded);
        array.free();
      } else {
        List<String> indexed = index(c, templateId, sorted);
        batch(c, sql.insertCode, indexed.size(), i -> new Object[] {templateId, loaded + i, indexed.get(i)});
        if (entry) {
          batch(c, sql.insertEntryCode, indexed.size(), i -> new Object[] {templateId, indexed.get(i), loaded + i});
        }
        added = indexed.size();
      }
      if (added > TemplateSpec.MAX_TOTAL_COUNT - total) {
        // thrown inside the unit: Tx rolls the index and pool rows back
        throw CouponException.invalidField("codes", "would take template '%s' past %d codes (total %d)",
            templateId, TemplateSpec.MAX_TOTAL_COUNT, total);
      }
      if (added > 0) {
        update(c, sql.addImported, added, added, templateId);
      }
      return added;
    });
  }

  /**
   * H2 and MySQL: indexes the codes nobody has to the template and answers them, in the given order. MySQL: the
   * slice's codes indexed already are read first, the rest inserted with INSERT IGNORE (a code a concurrent import
   * took meanwhile is skipped), then the rest read back as indexed to this template: only this transaction indexes
   * codes to it now (it holds the template row). H2: one insert per code, a unique violation (a concurrent import
   * won the code) skipped; in-process, so the round trips cost little.
   */
  private List<String> index(Connection c, String templateId, List<String> sorted) throws SQLException {
    List<String> out = new ArrayList<>(sorted.size());
    if (dialect == Dialect.H2) {
      for (String code : sorted) {
        try {
          if (update(c, sql.insertCodeIndexIfAbsent, code, templateId, code) == 1) {
            out.add(code);
          }
        } catch (SQLException e) {
          if (!SqlErrors.isUniqueViolation(e)) {
            throw e;
          }
        }
      }
      return out;
    }
    for (int from = 0; from < sorted.size(); from += SLICE) {
      List<String> slice = sorted.subList(from, Math.min(sorted.size(), from + SLICE));
      Set<String> known = new HashSet<>(query(c, sql.indexedCodes(slice.size()), rs -> rs.getString(1),
          slice.toArray()));
      List<String> fresh = new ArrayList<>(slice.size());
      for (String code : slice) {
        if (!known.contains(code)) {
          fresh.add(code);
        }
      }
      if (fresh.isEmpty()) {
        continue;
      }
      batch(c, sql.insertCodeIndexIfAbsent, fresh.size(), i -> new Object[] {fresh.get(i), templateId});
      Object[] args = new Object[fresh.size() + 1];
      args[0] = templateId;
      for (int i = 0; i < fresh.size(); i++) {
        args[i + 1] = fresh.get(i);
      }
      Set<String> mine = new HashSet<>(query(c, sql.indexedCodesOf(fresh.size()), rs -> rs.getString(1), args));
      for (String code : fresh) {
        if (mine.contains(code)) {
          out.add(code);
        }
      }
    }
    return out;
  }

  /**
   * Keyset pages over {@code seq}, one short transaction per page and the sink called outside it (a slow sink holds
   * no connection). A code that stays in the pool keeps its {@code seq}, and pages only move forward, so it is
   * passed exactly once; a code claimed meanwhile is passed or not.
   */
  void scanPool(String templateId, int batchSize, Consumer<List<String>> sink) {
    long after = -1; // seq starts at 0
    while (true) {
      long from = after;
      List<PoolCode> rows = tx.run("scan pool", c -> query(c, sql.scanPool,
          rs -> new PoolCode(rs.getLong(1), rs.getString(2)), templateId, from, batchSize));
      if (rows.isEmpty()) {
        return;
      }
      after = rows.get(rows.size() - 1).seq();
      List<String> page = new ArrayList<>(rows.size());
      for (PoolCode r : rows) {
        page.add(r.code());
      }
      sink.accept(page);
      if (rows.size() < batchSize) {
        return;
      }
    }
  }

  /** A pool row. */
  private record PoolCode(long seq, String code) {}
}
