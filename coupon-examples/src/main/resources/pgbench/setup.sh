#!/usr/bin/env bash
# Creates the bench_ tables from the jar's PostgreSQL schema and loads N codes for template PGBNCH.
#   usage: setup.sh 'postgresql://postgres@127.0.0.1:5432/postgres' [codes=150000] [schema-postgresql.sql]
# then:  pgbench -n -M prepared -c 16 -j 2 -T 30 -f claim.sql "$URL"
# drop:  psql "$URL" -c 'DROP TABLE bench_applied_events, bench_order_codes, bench_orders, bench_coupons,
#                          bench_user_claims, bench_codes, bench_templates'
set -euo pipefail
URL=$1
CODES=${2:-150000}
SCHEMA=${3:-$(dirname "$0")/../../../../../coupon-jdbc/src/main/resources/io/couponengine/jdbc/schema-postgresql.sql}
psql -q -v ON_ERROR_STOP=1 "$URL" <<SQL
DROP TABLE IF EXISTS bench_applied_events, bench_order_codes, bench_orders, bench_coupons, bench_user_claims,
  bench_codes, bench_templates;
$(sed 's/\${prefix}/bench_/g' "$SCHEMA")
INSERT INTO bench_templates (id, status, loaded, created_at_us, template_json) VALUES ('PGBNCH', 'AVAILABLE', $CODES, 0, '{}');
INSERT INTO bench_codes (template_id, seq, code) SELECT 'PGBNCH', g, 'TH-PGBNCH-' || g FROM generate_series(0, $CODES - 1) g;
VACUUM ANALYZE bench_codes;
SQL
