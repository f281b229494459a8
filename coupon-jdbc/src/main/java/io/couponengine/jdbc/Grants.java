package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.batch;
import static io.couponengine.jdbc.Jdbc.query;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.TemplateStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An operator's grant: many claims, decided set-wise, a transaction per chunk of {@link #CHUNK} commands. Each
 * command is answered exactly as {@link Claims} would answer it alone, in the order given, and each user's coupon is
 * recorded with its count and key in the chunk's transaction; the chunk is the unit of atomicity (a chunk that fails
 * is rolled back whole and retried, a retry answers DUPLICATE for what committed).
 *
 * <p>Per chunk and template, the locks a claim takes, in its order: the template row (shared; H2 exclusive), then the
 * per-user counter rows, created if missing and locked in user order (a claim holds only one of them, so no cycle),
 * then free codes with SKIP LOCKED, then the coupons' unique keys and the figures (in key order, as every writer). The
 * keys are read after the counter rows are locked: a claim of the same user and key has committed or not started.
 * PostgreSQL passes each column as one array (a handful of round trips per chunk, whatever its size); H2 and MySQL
 * use IN lists and JDBC batches.
 */
final class Grants {
  /** Commands per transaction: big enough to amortize the round trips, small enough to hold few locks briefly. */
  static final int CHUNK = 2_000;
  /** Users per IN list on H2 and MySQL. */
  private static final int SLICE = 1_000;
  /** Whole-chunk attempts when a coupon key turns out to be taken meanwhile (then answered as DUPLICATE). */
  private static final int KEY_RACE_ATTEMPTS = 3;

  private final Tx tx;
  private final Sql sql;
  private final Dialect dialect;
  private final Stats stats;

  Grants(Tables tables, Stats stats) {
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.dialect = tables.dialect();
    this.stats = stats;
  }

  List<ClaimResult> grant(List<ClaimCommand> commands) {
    List<ClaimResult> out = new ArrayList<>(commands.size());
    for (int from = 0; from < commands.size(); from += CHUNK) {
      List<ClaimCommand> chunk = commands.subList(from, Math.min(commands.size(), from + CHUNK));
      out.addAll(tx.run("grant", c -> {
        for (int attempt = 1; ; attempt++) {
          try {
            return chunk(c, chunk);
          } catch (SQLException e) {
            if (!SqlErrors.isUniqueViolation(e) || attempt == KEY_RACE_ATTEMPTS) {
              throw e;
            }
            // a coupon with one of the keys was recorded meanwhile: start over, the key read answers it now
            c.rollback();
          }
        }
      }));
    }
    return out;
  }

  /** One chunk in the caller's transaction: the answers in command order. */
  private List<ClaimResult> chunk(Connection c, List<ClaimCommand> cmds) throws SQLException {
    ClaimResult[] results = new ClaimResult[cmds.size()];
    Map<String, List<Integer>> byTemplate = new TreeMap<>();
    for (int i = 0; i < cmds.size(); i++) {
      byTemplate.computeIfAbsent(cmds.get(i).templateId(), t -> new ArrayList<>()).add(i);
    }
    Map<String, TemplateStatus> status = new HashMap<>();
    for (String[] row : query(c, sql.lockTemplates(byTemplate.size()),
        rs -> new String[] {rs.getString(1), rs.getString(2)}, byTemplate.keySet().toArray())) {
      status.put(row[0], TemplateStatus.valueOf(row[1]));
    }
    Stats.Deltas deltas = new Stats.Deltas();
    for (Map.Entry<String, List<Integer>> e : byTemplate.entrySet()) {
      TemplateStatus st = status.get(e.getKey());
      if (st == null) {
        for (int i : e.getValue()) {
          results[i] = ClaimResult.refused(ClaimOutcome.TEMPLATE_NOT_FOUND);
        }
      } else {
        template(c, e.getKey(), st, e.getValue(), cmds, results, deltas);
      }
    }
    stats.apply(c, deltas);
    return Arrays.asList(results);
  }

  /** The commands {@code idx} (in order) of one existing template. */
  private void template(Connection c, String templateId, TemplateStatus status, List<Integer> idx,
      List<ClaimCommand> cmds, ClaimResult[] results, Stats.Deltas deltas) throws SQLException {
    TreeSet<String> users = new TreeSet<>();
    for (int i : idx) {
      users.add(cmds.get(i).userId());
    }
    List<String> sortedUsers = new ArrayList<>(users);
    Map<String, Integer> claimed = lockCounts(c, templateId, sortedUsers);
    // only a user who claimed before can hold a key (a counter at 0 or new: nothing to look up, the usual case)
    List<String> claimedBefore = new ArrayList<>();
    for (String u : sortedUsers) {
      if (claimed.getOrDefault(u, 0) > 0) {
        claimedBefore.add(u);
      }
    }
    Map<String, Coupon> earlier = claimedBefore.isEmpty() ? Map.of() : keyedCoupons(c, templateId, claimedBefore);
    ClaimOutcome statusRefusal = switch (status) {
      case AVAILABLE -> null;
      case EXPIRED -> ClaimOutcome.TEMPLATE_EXPIRED;
      case PAUSED -> ClaimOutcome.TEMPLATE_PAUSED;
      default -> ClaimOutcome.TEMPLATE_NOT_READY;
    };
    // the order of a claim: key, status, window; then the limit and the pool, below
    List<Integer> pending = new ArrayList<>();
    Map<String, Integer> firstWithKey = new HashMap<>();
    Map<Integer, Integer> sameKeyAs = new LinkedHashMap<>();
    for (int i : idx) {
      ClaimCommand cmd = cmds.get(i);
      String key = cmd.userId() + '\u0000' + cmd.idempotencyKey();
      Coupon before = earlier.get(key);
      ClaimOutcome refusal = statusRefusal != null ? statusRefusal : cmd.windowRefusal();
      if (before != null) {
        results[i] = ClaimResult.duplicate(before);
      } else if (refusal != null) {
        results[i] = ClaimResult.refused(refusal);
      } else {
        Integer first = firstWithKey.putIfAbsent(key, i);
        if (first != null) {
          sameKeyAs.put(i, first); // the same claim twice in one grant: answered as its first occurrence
        } else {
          pending.add(i);
        }
      }
    }
    // how many codes the limits let through, in order; then take at most that many (fewer when the pool runs dry)
    Map<String, Integer> counts = new HashMap<>(claimed);
    int wanted = 0;
    for (int i : pending) {
      ClaimCommand cmd = cmds.get(i);
      int held = counts.getOrDefault(cmd.userId(), 0);
      if (held < cmd.perUserLimit()) {
        counts.put(cmd.userId(), held + 1);
        wanted++;
      }
    }
    List<String> codes = wanted == 0 ? List.of() : takeCodes(c, templateId, wanted);
    // the answers, again in order: the limit first, then the codes taken (the first commands get them)
    counts = new HashMap<>(claimed);
    Map<String, Integer> added = new TreeMap<>();
    List<Coupon> issued = new ArrayList<>(codes.size());
    List<String> keys = new ArrayList<>(codes.size());
    for (int i : pending) {
      ClaimCommand cmd = cmds.get(i);
      int held = counts.getOrDefault(cmd.userId(), 0);
      if (held >= cmd.perUserLimit()) {
        results[i] = ClaimResult.refused(ClaimOutcome.LIMIT_REACHED);
      } else if (issued.size() == codes.size()) {
        results[i] = ClaimResult.refused(ClaimOutcome.SOLD_OUT);
      } else {
        Coupon coupon = Claims.coupon(cmd, codes.get(issued.size()), Micros.truncate(cmd.claimedAt()),
            Micros.truncate(cmd.expiresAt()), Micros.truncateNullable(cmd.validFrom()));
        counts.put(cmd.userId(), held + 1);
        added.merge(cmd.userId(), 1, Integer::sum);
        issued.add(coupon);
        keys.add(cmd.idempotencyKey());
        deltas.issued(coupon);
        results[i] = ClaimResult.claimed(coupon);
      }
    }
    for (Map.Entry<Integer, Integer> same : sameKeyAs.entrySet()) {
      ClaimResult first = results[same.getValue()];
      results[same.getKey()] = first.outcome().hasCoupon() ? ClaimResult.duplicate(first.couponOrNull()) : first;
    }
    if (!issued.isEmpty()) {
      insertCoupons(c, templateId, issued, keys);
      addCounts(c, templateId, added);
    }
  }

  /** Creates the missing counter rows of the users (at 0), locks all of them in user order, reads their counts. */
  private Map<String, Integer> lockCounts(Connection c, String templateId, List<String> users) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    Jdbc.Row<Object[]> row = rs -> new Object[] {rs.getString(1), rs.getInt(2)};
    List<Object[]> rows = new ArrayList<>();
    if (dialect == Dialect.POSTGRESQL) {
      Array array = c.createArrayOf("varchar", users.toArray());
      rows.addAll(query(c, sql.lockUserCountsPg, row, templateId, array));
      array.free();
    } else {
      batch(c, sql.ensureUserCount, users.size(), i -> dialect == Dialect.H2
          ? new Object[] {templateId, users.get(i), templateId, users.get(i)}
          : new Object[] {templateId, users.get(i)});
      for (int from = 0; from < users.size(); from += SLICE) {
        List<String> slice = users.subList(from, Math.min(users.size(), from + SLICE));
        rows.addAll(query(c, sql.lockUserCounts(slice.size()), row, withFirst(templateId, slice)));
      }
    }
    for (Object[] r : rows) {
      out.put((String) r[0], (Integer) r[1]);
    }
    return out;
  }

  /** The coupons of these users of the template that have a key, by user and key. */
  private Map<String, Coupon> keyedCoupons(Connection c, String templateId, List<String> users) throws SQLException {
    Map<String, Coupon> out = new HashMap<>();
    Jdbc.Row<Object[]> row = rs -> new Object[] {rs.getString(1), Rows.couponAt(rs, 2)};
    List<Object[]> rows = new ArrayList<>();
    if (dialect == Dialect.POSTGRESQL) {
      Array array = c.createArrayOf("varchar", users.toArray());
      rows.addAll(query(c, sql.couponsOfUsersPg, row, array, templateId));
      array.free();
    } else {
      for (int from = 0; from < users.size(); from += SLICE) {
        List<String> slice = users.subList(from, Math.min(users.size(), from + SLICE));
        rows.addAll(query(c, sql.couponsOfUsers(slice.size()), row, withFirst(templateId, slice)));
      }
    }
    for (Object[] r : rows) {
      Coupon x = (Coupon) r[1];
      out.put(x.userId() + '\u0000' + r[0], x);
    }
    return out;
  }

  /** Takes up to {@code n} free codes, lowest {@code seq} first (SKIP LOCKED: codes a claim holds are passed over). */
  private List<String> takeCodes(Connection c, String templateId, int n) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      return query(c, sql.takeCodesPg, rs -> rs.getString(2), templateId, n);
    }
    List<Object[]> free = query(c, sql.takeCodes, rs -> new Object[] {rs.getLong(1), rs.getString(2)}, templateId, n);
    batch(c, sql.deleteCode, free.size(), i -> new Object[] {templateId, free.get(i)[0]});
    List<String> out = new ArrayList<>(free.size());
    for (Object[] f : free) {
      out.add((String) f[1]);
    }
    return out;
  }

  private void insertCoupons(Connection c, String templateId, List<Coupon> issued, List<String> keys)
      throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      int n = issued.size();
      String[] ids = new String[n];
      String[] codes = new String[n];
      String[] users = new String[n];
      Long[] claimedAt = new Long[n];
      Long[] expiresAt = new Long[n];
      Long[] validFrom = new Long[n];
      for (int i = 0; i < n; i++) {
        Coupon x = issued.get(i);
        ids[i] = x.id();
        codes[i] = x.code();
        users[i] = x.userId();
        claimedAt[i] = Micros.of(x.claimedAt());
        expiresAt[i] = Micros.of(x.expiresAt());
        validFrom[i] = x.validFrom() == null ? null : Micros.of(x.validFrom());
      }
      List<Array> arrays = List.of(c.createArrayOf("varchar", ids), c.createArrayOf("varchar", codes),
          c.createArrayOf("varchar", users), c.createArrayOf("varchar", keys.toArray()),
          c.createArrayOf("bigint", claimedAt), c.createArrayOf("bigint", expiresAt),
          c.createArrayOf("bigint", validFrom));
      Object[] args = new Object[arrays.size() + 1];
      args[0] = templateId;
      for (int i = 0; i < arrays.size(); i++) {
        args[i + 1] = arrays.get(i);
      }
      update(c, sql.insertCouponsPg, args);
      for (Array a : arrays) {
        a.free();
      }
      return;
    }
    batch(c, sql.insertCoupon, issued.size(), i -> {
      Coupon x = issued.get(i);
      return new Object[] {x.id(), x.code(), x.templateId(), x.userId(), keys.get(i), Micros.of(x.claimedAt()),
          Micros.of(x.expiresAt()), x.status().name(), x.orderId(), Micros.ofNullable(x.validFrom())};
    });
  }

  /** Adds each user's new coupons to its (locked) counter row. */
  private void addCounts(Connection c, String templateId, Map<String, Integer> added) throws SQLException {
    List<String> users = new ArrayList<>(added.keySet());
    if (dialect == Dialect.POSTGRESQL) {
      Array u = c.createArrayOf("varchar", users.toArray());
      Array n = c.createArrayOf("int", added.values().toArray());
      update(c, sql.addUserCountsPg, templateId, u, n);
      u.free();
      n.free();
      return;
    }
    batch(c, sql.addUserCounts, users.size(), i -> new Object[] {added.get(users.get(i)), templateId, users.get(i)});
  }

  private static Object[] withFirst(Object first, List<String> rest) {
    Object[] args = new Object[rest.size() + 1];
    args[0] = first;
    for (int i = 0; i < rest.size(); i++) {
      args[i + 1] = rest.get(i);
    }
    return args;
  }
}
