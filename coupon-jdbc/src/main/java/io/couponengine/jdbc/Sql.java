package io.couponengine.jdbc;

/**
 * Every statement of the store, built once per table prefix. The prefix is a validated identifier; values are
 * always bound as parameters. Dialect-specific statements carry the dialect in their name.
 */
final class Sql {
  static final String COUPON_COLUMNS =
      "id, code, template_id, user_id, claimed_at_us, expires_at_us, status, order_id, valid_from_us";

  final String insertTemplate;
  final String findTemplate;
  final String findTemplatesByStatus;
  final String updateTemplateStatus;
  final String lockTemplateStatus;
  final String lockTemplatesTablePg;
  final String setTemplateLoaded;
  final String lockTemplateTotal;
  final String addToTemplateTotal;
  final String setCodeKey;
  final String findCodeKey;
  final String insertCode;
  final String countCodes;
  final String upsertUserCountPg;
  final String claimCodePg;
  final String claimRoutine;
  final String insertCodesPg;
  final String claimLookup;
  final String findByIdempotencyKey;
  final String bumpUserCount;
  final String insertUserCount;
  final String firstCode;
  final String firstCodeSkipLocked;
  final String deleteCode;
  final String insertCoupon;
  final String couponsByUser;
  final String couponByCode;
  final String couponById;
  final String expireOne;
  final String expireDuePg;
  final String dueSkipLocked;
  final String expireById;
  final String setCouponState;
  final String insertOrder;
  final String insertOrderCode;
  final String findOrder;
  final String lockOrder;
  final String orderCodes;
  final String setOrderStatus;
  final String staleOrders;
  final String insertAppliedEvent;
  final String addUserCount;
  final String insertUserCountN;
  final String upsertStats;
  final String sumStats;
  final String statsTemplateRemaining;
  final String insertCodeIndex;
  final String findTemplateIdByCode;
  final String importCodesPg;
  final String insertCodeIndexIfAbsent;
  final String addImported;
  final String scanPool;
  final String findEntrySeq;
  final String lockPoolRow;
  final String lockTemplateForAppend;
  final String insertEntryCodesPg;
  final String insertEntryCode;
  final String importEntryCodesPg;
  final String readFailures;
  final String insertFailures;
  final String lockFailures;
  final String setFailures;
  final String ensureUserCount;
  final String takeCodesPg;
  final String takeCodes;
  final String insertCouponsPg;
  final String addUserCounts;
  final String addUserCountsPg;
  final String lockUserCountsPg;
  final String couponsOfUsersPg;
  private final String prefix;
  private final Dialect dialect;

  Sql(String p, Dialect dialect) {
    this.prefix = p;
    this.dialect = dialect;
    String templates = p + "templates";
    String codes = p + "codes";
    String userClaims = p + "user_claims";
    String coupons = p + "coupons";
    String orders = p + "orders";
    String orderCodesTable = p + "order_codes";
    insertTemplate = "INSERT INTO " + templates + " (id, status, failure_reason, loaded, added_count, created_at_us,"
        + " template_json) VALUES (?, ?, ?, 0, ?, ?, ?)";
    // the columns Rows.template reads
    String templateColumns = "SELECT status, failure_reason, template_json, added_count FROM " + templates;
    findTemplate = templateColumns + " WHERE id = ?";
    findTemplatesByStatus = templateColumns + " WHERE status = ?";
    updateTemplateStatus = "UPDATE " + templates + " SET status = ?, failure_reason = ? WHERE id = ? AND status = ?";
    lockTemplateStatus = "SELECT status FROM " + templates + " WHERE id = ? FOR UPDATE";
    setTemplateLoaded = "UPDATE " + templates + " SET loaded = ? WHERE id = ?";
    // more stock: the row is locked like appendCodes locks it, so the loaded count answered is the one the next
    // batch is checked against
    lockTemplateTotal = "SELECT loaded, added_count, template_json FROM " + templates + " WHERE id = ? FOR UPDATE";
    addToTemplateTotal = "UPDATE " + templates + " SET added_count = added_count + ? WHERE id = ?";
    // set once: a second proposal matches no row (READ COMMITTED re-checks the condition on the latest row
    // version after waiting for the first writer), then everybody reads the stored key
    setCodeKey = "UPDATE " + templates + " SET code_key = ? WHERE id = ? AND code_key IS NULL";
    findCodeKey = "SELECT code_key FROM " + templates + " WHERE id = ?";
    insertCode = "INSERT INTO " + codes + " (template_id, seq, code) VALUES (?, ?, ?)";
    // PostgreSQL: a whole batch as one array parameter, one statement and one round trip
    insertCodesPg = "INSERT INTO " + codes + " (template_id, seq, code) SELECT ?, ? + u.ord - 1, u.code"
        + " FROM unnest(?::varchar[]) WITH ORDINALITY AS u(code, ord)";
    countCodes = "SELECT COUNT(*) FROM " + codes + " WHERE template_id = ?";
    // the template row is share-locked until the claim commits, so a pause (or expiry) of the template waits for
    // every claim that read it AVAILABLE, and a claim that starts after the pause's UPDATE waits and reads PAUSED
    // (H2 claims lock the row FOR UPDATE afterwards instead: lockTemplateStatus)
    claimLookup = "SELECT t.status, c.id, c.code, c.template_id, c.user_id, c.claimed_at_us, c.expires_at_us,"
        + " c.status, c.order_id, c.valid_from_us FROM " + templates + " t LEFT JOIN " + coupons + " c"
        + " ON c.template_id = t.id AND c.user_id = ? AND c.idem_key = ? WHERE t.id = ?" + switch (dialect) {
          case POSTGRESQL -> " FOR SHARE OF t";
          case MYSQL -> " LOCK IN SHARE MODE";
          case H2 -> "";
        };
    // PostgreSQL: share lockers of a row never queue behind a waiting UPDATE, so under a steady stream of claims
    // the pause's UPDATE could wait for ever; EXCLUSIVE (which conflicts with the ROW SHARE every FOR SHARE takes,
    // not with plain reads) queues the next claims behind it
    lockTemplatesTablePg = "LOCK TABLE " + templates + " IN EXCLUSIVE MODE";
    findByIdempotencyKey = "SELECT " + COUPON_COLUMNS + " FROM " + coupons
        + " WHERE template_id = ? AND user_id = ? AND idem_key = ?";
    bumpUserCount = "UPDATE " + userClaims + " SET claimed = claimed + 1"
        + " WHERE template_id = ? AND user_id = ? AND claimed < ?";
    insertUserCount = switch (dialect) {
      case POSTGRESQL -> "INSERT INTO " + userClaims + " (template_id, user_id, claimed) VALUES (?, ?, 1)"
          + " ON CONFLICT DO NOTHING";
      case MYSQL -> "INSERT IGNORE INTO " + userClaims + " (template_id, user_id, claimed) VALUES (?, ?, 1)";
      // H2 claims of a template are serialized by the template row lock, so no concurrent insert can race this
      case H2 -> "INSERT INTO " + userClaims + " (template_id, user_id, claimed) SELECT ?, ?, 1 FROM DUAL"
          + " WHERE NOT EXISTS (SELECT 1 FROM " + userClaims + " WHERE template_id = ? AND user_id = ?)";
    };
    addUserCount = "UPDATE " + userClaims + " SET claimed = claimed + 1 WHERE template_id = ? AND user_id = ?";
    insertUserCountN = "INSERT INTO " + userClaims + " (template_id, user_id, claimed) VALUES (?, ?, 1)";
    upsertUserCountPg = "INSERT INTO " + userClaims + " AS uc (template_id, user_id, claimed) VALUES (?, ?, 1)"
        + " ON CONFLICT (template_id, user_id) DO UPDATE SET claimed = uc.claimed + 1 WHERE uc.claimed < ?"
        + " RETURNING claimed";
    // the same DELETE ... FOR UPDATE SKIP LOCKED as the other dialects, feeding the coupon INSERT directly
    // ... and one more issued on the user's stripe of the template figures (Stats), still one round trip
    claimCodePg = "WITH taken AS (DELETE FROM " + codes + " WHERE template_id = ? AND seq = (SELECT seq FROM " + codes
        + " WHERE template_id = ? ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING code)"
        + ", ins AS (INSERT INTO " + coupons + " (id, code, template_id, user_id, idem_key, claimed_at_us,"
        + " expires_at_us, status, order_id, valid_from_us) SELECT ?, code, ?, ?, ?, ?, ?, 'USABLE', NULL, ? FROM taken"
        + " RETURNING code), counted AS (INSERT INTO " + p + "template_stats AS s (template_id, stripe, issued,"
        + " reserved, used, expired, discount) SELECT ?, ?, 1, 0, 0, 0, 0 FROM ins"
        + " ON CONFLICT (template_id, stripe) DO UPDATE SET issued = s.issued + 1) SELECT code FROM ins";
    // the whole claim in one call of the routine the schema installs (schema-<dialect>.sql; H2 has none)
    claimRoutine = switch (dialect) {
      case POSTGRESQL -> "SELECT * FROM " + p + "claim(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      case MYSQL -> "CALL " + p + "claim(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      case H2 -> null;
    };
    firstCode = "SELECT seq, code FROM " + codes + " WHERE template_id = ? ORDER BY seq LIMIT 1";
    firstCodeSkipLocked = firstCode + " FOR UPDATE SKIP LOCKED";
    deleteCode = "DELETE FROM " + codes + " WHERE template_id = ? AND seq = ?";
    insertCoupon = "INSERT INTO " + coupons + " (id, code, template_id, user_id, idem_key, claimed_at_us,"
        + " expires_at_us, status, order_id, valid_from_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    couponsByUser = "SELECT " + COUPON_COLUMNS + " FROM " + coupons + " WHERE user_id = ? ORDER BY claim_no";
    couponByCode = "SELECT " + COUPON_COLUMNS + " FROM " + coupons + " WHERE code = ?";
    couponById = "SELECT " + COUPON_COLUMNS + " FROM " + coupons + " WHERE id = ?";
    expireOne = "UPDATE " + coupons + " SET status = 'EXPIRED' WHERE id = ? AND status = 'USABLE'"
        + " AND expires_at_us <= ?";
    // a locking CTE runs once (an IN (subquery ... LIMIT) may be re-run by the planner and overshoot the limit)
    expireDuePg = "WITH due AS (SELECT claim_no FROM " + coupons
        + " WHERE status = 'USABLE' AND expires_at_us <= ? ORDER BY expires_at_us LIMIT ? FOR UPDATE SKIP LOCKED)"
        + " UPDATE " + coupons + " c SET status = 'EXPIRED' FROM due WHERE c.claim_no = due.claim_no"
        + " RETURNING c.id, c.code, c.template_id, c.user_id, c.claimed_at_us, c.expires_at_us, c.status, c.order_id,"
        + " c.valid_from_us";
    dueSkipLocked = "SELECT " + COUPON_COLUMNS + " FROM " + coupons
        + " WHERE status = 'USABLE' AND expires_at_us <= ? ORDER BY expires_at_us LIMIT ? FOR UPDATE SKIP LOCKED";
    expireById = "UPDATE " + coupons + " SET status = 'EXPIRED' WHERE id = ? AND status = 'USABLE'";
    setCouponState = "UPDATE " + coupons + " SET status = ?, order_id = ? WHERE id = ?";
    insertOrder = "INSERT INTO " + orders + " (order_id, user_id, status, reserved_until_us, updated_at_us)"
        + " VALUES (?, ?, ?, ?, ?)";
    insertOrderCode = "INSERT INTO " + orderCodesTable + " (order_id, pos, code, saving) VALUES (?, ?, ?, ?)";
    findOrder = "SELECT user_id, status FROM " + orders + " WHERE order_id = ?";
    lockOrder = findOrder + " FOR UPDATE";
    orderCodes = "SELECT code, saving FROM " + orderCodesTable + " WHERE order_id = ? ORDER BY pos";
    setOrderStatus = "UPDATE " + orders + " SET status = ?, updated_at_us = ? WHERE order_id = ?";
    staleOrders = "SELECT order_id FROM " + orders + " WHERE status = 'RESERVED' AND reserved_until_us <= ?"
        + " ORDER BY reserved_until_us LIMIT ?";
    // the figures: deltas added to a (template, stripe) row, created on first use (Stats)
    String stats = p + "template_stats";
    String statsColumns = "(template_id, stripe, issued, reserved, used, expired, discount)";
    upsertStats = switch (dialect) {
      case POSTGRESQL -> "INSERT INTO " + stats + " AS s " + statsColumns + " VALUES (?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (template_id, stripe) DO UPDATE SET issued = s.issued + EXCLUDED.issued,"
          + " reserved = s.reserved + EXCLUDED.reserved, used = s.used + EXCLUDED.used,"
          + " expired = s.expired + EXCLUDED.expired, discount = s.discount + EXCLUDED.discount";
      case MYSQL -> "INSERT INTO " + stats + " " + statsColumns + " VALUES (?, ?, ?, ?, ?, ?, ?)"
          + " ON DUPLICATE KEY UPDATE issued = issued + VALUES(issued), reserved = reserved + VALUES(reserved),"
          + " used = used + VALUES(used), expired = expired + VALUES(expired),"
          + " discount = discount + VALUES(discount)";
      case H2 -> "MERGE INTO " + stats + " s USING (VALUES (CAST(? AS VARCHAR(16)), CAST(? AS INT),"
          + " CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS NUMERIC(38,2))))"
          + " AS v " + statsColumns + " ON s.template_id = v.template_id AND s.stripe = v.stripe"
          + " WHEN MATCHED THEN UPDATE SET issued = s.issued + v.issued, reserved = s.reserved + v.reserved,"
          + " used = s.used + v.used, expired = s.expired + v.expired, discount = s.discount + v.discount"
          + " WHEN NOT MATCHED THEN INSERT " + statsColumns
          + " VALUES (v.template_id, v.stripe, v.issued, v.reserved, v.used, v.expired, v.discount)";
    };
    sumStats = "SELECT SUM(issued), SUM(reserved), SUM(used), SUM(expired), SUM(discount) FROM " + stats
        + " WHERE template_id = ?";
    statsTemplateRemaining = "SELECT (SELECT COUNT(*) FROM " + codes + " c WHERE c.template_id = t.id) FROM "
        + templates + " t WHERE t.id = ?";
    // ---- codes and distribution (schema 0.2) ----
    String codeIndex = p + "code_index";
    String failures = p + "code_failures";
    insertCodeIndex = "INSERT INTO " + codeIndex + " (code, template_id) VALUES (?, ?)";
    findTemplateIdByCode = "SELECT template_id FROM " + codeIndex + " WHERE code = ?";
    // PostgreSQL import, one statement: index the codes nobody has (ON CONFLICT waits for a concurrent insert of the
    // same code and skips it once that commits), pool exactly those, answer how many; seq continues from loaded
    importCodesPg = "WITH added AS (INSERT INTO " + codeIndex + " (code, template_id) SELECT u.code, ?"
        + " FROM unnest(?::varchar[]) AS u(code) ON CONFLICT DO NOTHING RETURNING code)"
        + ", pooled AS (INSERT INTO " + codes + " (template_id, seq, code) SELECT ?, ? + row_number() OVER () - 1, code"
        + " FROM added RETURNING 1) SELECT COUNT(*) FROM pooled";
    // ... and for a CODE_ENTRY template, the pool positions of the codes pooled
    importEntryCodesPg = "WITH added AS (INSERT INTO " + codeIndex + " (code, template_id) SELECT u.code, ?"
        + " FROM unnest(?::varchar[]) AS u(code) ON CONFLICT DO NOTHING RETURNING code)"
        + ", pooled AS (INSERT INTO " + codes + " (template_id, seq, code) SELECT ?, ? + row_number() OVER () - 1, code"
        + " FROM added RETURNING template_id, seq, code), entered AS (INSERT INTO " + p + "entry_codes (template_id,"
        + " code, seq) SELECT template_id, code, seq FROM pooled RETURNING 1) SELECT COUNT(*) FROM entered";
    insertCodeIndexIfAbsent = switch (dialect) {
      case POSTGRESQL -> insertCodeIndex + " ON CONFLICT DO NOTHING";
      case MYSQL -> "INSERT IGNORE INTO " + codeIndex + " (code, template_id) VALUES (?, ?)";
      // H2: a concurrent insert of the same code makes this fail with a unique violation, which the caller skips
      case H2 -> "INSERT INTO " + codeIndex + " (code, template_id) SELECT ?, ? FROM DUAL"
          + " WHERE NOT EXISTS (SELECT 1 FROM " + codeIndex + " WHERE code = ?)";
    };
    addImported = "UPDATE " + templates + " SET loaded = loaded + ?, added_count = added_count + ? WHERE id = ?";
    scanPool = "SELECT seq, code FROM " + codes + " WHERE template_id = ? AND seq > ? ORDER BY seq LIMIT ?";
    // an entered code: its pool position, then its pool row locked (of two entries of one code the second waits
    // and then finds no row)
    findEntrySeq = "SELECT seq FROM " + p + "entry_codes WHERE template_id = ? AND code = ?";
    lockPoolRow = "SELECT code FROM " + codes + " WHERE template_id = ? AND seq = ? FOR UPDATE";
    // appendCodes also needs the distribution: CODE_ENTRY pools are written to entry_codes too
    lockTemplateForAppend = "SELECT loaded, template_json FROM " + templates + " WHERE id = ? FOR UPDATE";
    insertEntryCodesPg = "INSERT INTO " + p + "entry_codes (template_id, code, seq) SELECT ?, u.code, ? + u.ord - 1"
        + " FROM unnest(?::varchar[]) WITH ORDINALITY AS u(code, ord)";
    insertEntryCode = "INSERT INTO " + p + "entry_codes (template_id, code, seq) VALUES (?, ?, ?)";
    readFailures = "SELECT window_index, failures FROM " + failures + " WHERE user_id = ?";
    insertFailures = switch (dialect) {
      case POSTGRESQL -> "INSERT INTO " + failures + " (user_id, window_index, failures) VALUES (?, ?, 0)"
          + " ON CONFLICT DO NOTHING";
      case MYSQL -> "INSERT IGNORE INTO " + failures + " (user_id, window_index, failures) VALUES (?, ?, 0)";
      case H2 -> "INSERT INTO " + failures + " (user_id, window_index, failures) SELECT ?, ?, 0 FROM DUAL"
          + " WHERE NOT EXISTS (SELECT 1 FROM " + failures + " WHERE user_id = ?)";
    };
    lockFailures = readFailures + " FOR UPDATE";
    setFailures = "UPDATE " + failures + " SET window_index = ?, failures = ? WHERE user_id = ?";
    // grants: the counter rows of a batch exist (claimed 0 for a new user) before they are locked in user order
    ensureUserCount = switch (dialect) {
      case POSTGRESQL -> "INSERT INTO " + userClaims + " (template_id, user_id, claimed) VALUES (?, ?, 0)"
          + " ON CONFLICT DO NOTHING";
      case MYSQL -> "INSERT IGNORE INTO " + userClaims + " (template_id, user_id, claimed) VALUES (?, ?, 0)";
      // H2 grants hold the template row FOR UPDATE, as H2 claims do: nobody inserts these rows meanwhile
      case H2 -> "INSERT INTO " + userClaims + " (template_id, user_id, claimed) SELECT ?, ?, 0 FROM DUAL"
          + " WHERE NOT EXISTS (SELECT 1 FROM " + userClaims + " WHERE template_id = ? AND user_id = ?)";
    };
    // PostgreSQL grants: one upsert creates the missing counter rows (at 0), locks every row (DO UPDATE locks the
    // row it meets, in array order: the users sorted) and answers the counts; each row is an index probe, so no plan
    // choice (a hash join over a table without statistics) can turn it into a scan of the template's users
    lockUserCountsPg = "INSERT INTO " + userClaims + " AS uc (template_id, user_id, claimed) SELECT ?, u.user_id, 0"
        + " FROM unnest(?::varchar[]) AS u(user_id) ON CONFLICT (template_id, user_id) DO UPDATE"
        + " SET claimed = uc.claimed RETURNING user_id, claimed";
    // the codes by their row ids: a TID scan whatever the statistics say (a join back on seq may be planned as a
    // scan of the whole pool); the rows are locked by the inner SELECT, nobody moves them
    takeCodesPg = "WITH taken AS (DELETE FROM " + codes + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + codes
        + " WHERE template_id = ? ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING seq, code)"
        + " SELECT seq, code FROM taken ORDER BY seq";
    takeCodes = "SELECT seq, code FROM " + codes + " WHERE template_id = ? ORDER BY seq LIMIT ?"
        + (dialect == Dialect.H2 ? "" : " FOR UPDATE SKIP LOCKED");
    insertCouponsPg = "INSERT INTO " + coupons + " (id, code, template_id, user_id, idem_key, claimed_at_us,"
        + " expires_at_us, status, order_id, valid_from_us) SELECT v.id, v.code, ?, v.user_id, v.idem_key, v.claimed,"
        + " v.expires, 'USABLE', NULL, v.valid_from FROM unnest(?::varchar[], ?::varchar[], ?::varchar[],"
        + " ?::varchar[], ?::bigint[], ?::bigint[], ?::bigint[])"
        + " AS v(id, code, user_id, idem_key, claimed, expires, valid_from)";
    addUserCounts = "UPDATE " + userClaims + " SET claimed = claimed + ? WHERE template_id = ? AND user_id = ?";
    addUserCountsPg = "INSERT INTO " + userClaims + " AS uc (template_id, user_id, claimed) SELECT ?, v.user_id, v.n"
        + " FROM unnest(?::varchar[], ?::int[]) AS v(user_id, n) ON CONFLICT (template_id, user_id) DO UPDATE"
        + " SET claimed = uc.claimed + EXCLUDED.claimed";
    // a probe of the key index per user (OFFSET 0 keeps the subquery from being flattened into a hash join)
    couponsOfUsersPg = "SELECT k.* FROM unnest(?::varchar[]) AS u(user_id), LATERAL (SELECT idem_key, "
        + COUPON_COLUMNS + " FROM " + coupons + " c WHERE c.template_id = ? AND c.user_id = u.user_id"
        + " AND c.idem_key IS NOT NULL OFFSET 0) k";
    insertAppliedEvent = "INSERT INTO " + p + "applied_events (event_id, type, applied_at_us) VALUES (?, ?, ?)";
  }

  /**
   * Locks the template rows of a grant batch in id order, as a claim locks its one row (share-locked; H2
   * {@code FOR UPDATE}, which serializes the template's claims there), and reads their status.
   */
  String lockTemplates(int n) {
    return "SELECT id, status FROM " + prefix + "templates WHERE id IN (" + marks(n) + ") ORDER BY id"
        + switch (dialect) {
          case POSTGRESQL -> " FOR SHARE";
          case MYSQL -> " LOCK IN SHARE MODE";
          case H2 -> " FOR UPDATE";
        };
  }

  /** H2 and MySQL: locks the per-user counter rows of {@code n} users of one template, in user order. */
  String lockUserCounts(int n) {
    return "SELECT user_id, claimed FROM " + prefix + "user_claims WHERE template_id = ? AND user_id IN (" + marks(n)
        + ") ORDER BY user_id FOR UPDATE";
  }

  /** H2 and MySQL: the keyed coupons of {@code n} users of one template, with their keys first. */
  String couponsOfUsers(int n) {
    return "SELECT idem_key, " + COUPON_COLUMNS + " FROM " + prefix + "coupons WHERE template_id = ? AND user_id IN ("
        + marks(n) + ") AND idem_key IS NOT NULL";
  }

  /** H2 and MySQL: which of {@code n} codes are in the code index already (to any template). */
  String indexedCodes(int n) {
    return "SELECT code FROM " + prefix + "code_index WHERE code IN (" + marks(n) + ")";
  }

  /** H2 and MySQL: which of {@code n} codes the code index names the given template for. */
  String indexedCodesOf(int n) {
    return "SELECT code FROM " + prefix + "code_index WHERE template_id = ? AND code IN (" + marks(n) + ")";
  }

  private static String marks(int n) {
    StringBuilder b = new StringBuilder(n * 2);
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ",?");
    }
    return b.toString();
  }
}
