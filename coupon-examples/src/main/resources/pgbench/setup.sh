#!/usr/bin/env bash
# Creates the bench_ tables and the bench_claim function from the PostgreSQL schema script and loads N codes for
# template PGBNCH (AVAILABLE). Run it before every pgbench run: claims use up the pool.
#   usage: setup.sh 'postgresql://postgres@127.0.0.1:5432/postgres' [codes=1000000] [schema-postgresql.sql]
# then:  pgbench -n -M prepared -c 16 -j 2 -T 30 -D users=2000000000 -f claim.sql "$URL"
# drop:  setup.sh "$URL" 0 drop
set -euo pipefail
URL=$1
CODES=${2:-1000000}
SCHEMA=${3:-$(dirname "$0")/../../../../../coupon-jdbc/src/main/resources/io/couponengine/jdbc/schema-postgresql.sql}
DROP="DROP FUNCTION IF EXISTS bench_claim(VARCHAR, VARCHAR, VARCHAR, VARCHAR, INT, VARCHAR, BIGINT, BIGINT, BIGINT, INT);
DROP TABLE IF EXISTS bench_code_failures, bench_entry_codes, bench_code_index, bench_template_stats,
  bench_applied_events, bench_order_codes, bench_orders, bench_coupons, bench_user_claims, bench_codes, bench_templates;"
if [ "$SCHEMA" = drop ]; then
  psql -q -v ON_ERROR_STOP=1 "$URL" -c "SET client_min_messages = warning; $DROP"
  exit 0
fi
psql -q -v ON_ERROR_STOP=1 "$URL" <<SQL
SET client_min_messages = warning;
$DROP
$(sed 's/\${prefix}/bench_/g' "$SCHEMA")
INSERT INTO bench_templates (id, status, loaded, created_at_us, template_json) VALUES ('PGBNCH', 'AVAILABLE', $CODES, 0, '{}');
INSERT INTO bench_codes (template_id, seq, code) SELECT 'PGBNCH', g, 'TH-PGBNCH-' || g FROM generate_series(0, $CODES - 1) g;
VACUUM ANALYZE bench_codes;
SQL
