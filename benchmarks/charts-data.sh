#!/usr/bin/env bash
# Short sweeps for the benchmark charts: writes the data files BenchmarkCharts reads (docs/benchmarks/data/).
#
#   mvn -B -q package -DskipTests -pl benchmarks,coupon-examples -am
#   ROUNDS=2 bash benchmarks/charts-data.sh   # about 8 minutes on 2 cores (5 with ROUNDS=1)
#   java -cp benchmarks/target/benchmarks.jar io.couponengine.benchmarks.charts.BenchmarkCharts \
#       docs/benchmarks/data docs/benchmarks
#
# What it runs, one after the other, against the running servers (the COUPON_* URLs below, or their defaults):
#   - JMH, short settings, -rf json: ClaimBenchmark (templates=1) at 1 and 2 threads, CodeGenerationBenchmark,
#     SettlementBenchmark -> claim-t1.json, claim-t2.json, codegen.json, settlement.json;
#   - at each of THREADS clients: RedisClaimLoad and the reference claim script (../shared/bench/redis-reference.sh,
#     redis-benchmark on the same server, Redis's own µs per EVALSHA from INFO commandstats around it) -> redis.jsonl;
#     JdbcClaimLoad on PostgreSQL and pgbench on the same claim statement (pgbench/claim.sql) -> postgresql.jsonl;
#     JdbcClaimLoad on MariaDB -> mariadb.jsonl;
#   - run.txt: date, machine, load average before and after.
# Each line of a .jsonl file is the program's last line (its JSON result) with "program", "store" and "clients"
# put in front; reference lines are {"program":"redis-reference","store":"redis","clients":C,"claims_per_sec":X,
# "us_per_call":Y} and {"program":"pgbench","store":"postgresql","clients":C,"claims_per_sec":TPS}.
# A run that fails is reported on stderr and left out; the others go on.
#
# Environment: COUPON_REDIS_URL (redis://127.0.0.1:6379), COUPON_PG_URL (jdbc:postgresql://...), PGBENCH_URL
# (postgresql://postgres@127.0.0.1:5432/postgres), COUPON_MARIADB_URL (jdbc:mariadb://...), THREADS
# ("1 2 4 8 16 32 64"), OUT (docs/benchmarks/data), REDIS_CLAIMS (30000), PG_CLAIMS (6000), MARIADB_CLAIMS (6000),
# PGBENCH_SECONDS (4), CODES (100000: codes generated and loaded per load run, at least the claims; the
# code-rate chart takes their rates), REDIS_REFERENCE (../shared/bench/redis-reference.sh), SKIP ("jmh redis postgresql mariadb":
# any of them to leave out), ROUNDS (1: how many times each sweep goes over THREADS).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${OUT:-docs/benchmarks/data}
THREADS=${THREADS:-1 2 4 8 16 32 64}
REDIS_URL=${COUPON_REDIS_URL:-redis://127.0.0.1:6379}
PG_JDBC=${COUPON_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
PGBENCH_URL=${PGBENCH_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
MARIADB_JDBC=${COUPON_MARIADB_URL:-jdbc:mariadb://127.0.0.1:3306/test?user=root}
REDIS_CLAIMS=${REDIS_CLAIMS:-30000}
PG_CLAIMS=${PG_CLAIMS:-6000}
MARIADB_CLAIMS=${MARIADB_CLAIMS:-6000}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-4}
CODES=${CODES:-100000}
REDIS_REFERENCE=${REDIS_REFERENCE:-$ROOT/../shared/bench/redis-reference.sh}
SKIP=${SKIP:-}
ROUNDS=${ROUNDS:-1}
# the client counts of every sweep, ROUNDS times over (repeated points are drawn as their median)
SWEEP=$(for ((r = 0; r < ROUNDS; r++)); do echo $THREADS; done)
BENCH_JAR=benchmarks/target/benchmarks.jar
EXAMPLES_JAR=coupon-examples/target/coupon-examples.jar
PGB=coupon-examples/src/main/resources/pgbench
for jar in "$BENCH_JAR" "$EXAMPLES_JAR"; do
  [[ -f $jar ]] || { echo "missing $jar: mvn -B -q package -DskipTests -pl benchmarks,coupon-examples -am" >&2; exit 2; }
done
mkdir -p "$OUT"
hostport=${REDIS_URL#redis://}; hostport=${hostport%%/*}
REDIS_HOST=${hostport%%:*}; REDIS_PORT=${hostport##*:}; [[ $REDIS_PORT == "$hostport" ]] && REDIS_PORT=6379

skip() { [[ " $SKIP " == *" $1 "* ]]; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# prefix PROGRAM STORE CLIENTS: reads a program's output, keeps its last line if it is a JSON object and puts the
# three fields in front of it
prefix() {
  local last
  last=$(grep '^{' | tail -1)
  [[ -n $last ]] || { log "no JSON result from $1 ($2, $3 clients)"; return 1; }
  echo "{\"program\":\"$1\",\"store\":\"$2\",\"clients\":$3,${last#\{}"
}

# evalsha_stats: "calls usec" of EVALSHA so far
evalsha_stats() {
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" INFO commandstats | tr -d '\r' | awk -F'[:=,]' \
    '/^cmdstat_evalsha:/ { for (i = 2; i < NF; i += 2) { if ($i == "calls") c = $(i+1); if ($i == "usec") u = $(i+1) } }
     END { print (c ? c : 0), (u ? u : 0) }'
}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1)"
  echo "redis: $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" INFO server | tr -d '\r' | grep '^redis_version')"
  echo "threads: $THREADS, $ROUNDS round(s); claims per run: Redis $REDIS_CLAIMS, PostgreSQL $PG_CLAIMS, MariaDB $MARIADB_CLAIMS; codes per run $CODES; pgbench ${PGBENCH_SECONDS} s"
  echo "load average before: $(loadavg)"
} > "$OUT/run.txt"
START=$(date +%s)

if ! skip jmh; then
  JMH=(java -jar "$BENCH_JAR" -f 1 -foe true)
  for t in 1 2; do
    log "JMH ClaimBenchmark, $t thread(s)"
    "${JMH[@]}" '\.ClaimBenchmark\.' -p templates=1 -t "$t" -wi 3 -w 1s -i 5 -r 1s \
      -rf json -rff "$OUT/claim-t$t.json" > /dev/null || log "ClaimBenchmark -t $t failed"
  done
  log "JMH CodeGenerationBenchmark"
  "${JMH[@]}" '\.CodeGenerationBenchmark\.' -wi 2 -w 1s -i 5 -r 1s -rf json -rff "$OUT/codegen.json" > /dev/null \
    || log "CodeGenerationBenchmark failed"
  log "JMH SettlementBenchmark"
  "${JMH[@]}" '\.SettlementBenchmark\.' -wi 2 -w 1s -i 5 -r 1s -rf json -rff "$OUT/settlement.json" > /dev/null \
    || log "SettlementBenchmark failed"
fi

if ! skip redis; then
  : > "$OUT/redis.jsonl"
  for t in $SWEEP; do
    log "Redis: RedisClaimLoad, $t threads"
    java -cp "$EXAMPLES_JAR" io.couponengine.examples.RedisClaimLoad --redis "$REDIS_URL" --threads "$t" \
      --claims "$REDIS_CLAIMS" --users "$REDIS_CLAIMS" --codes "$CODES" --load-codes 200000 --warmup 5000 \
      2>/dev/null | prefix redis-claim-load redis "$t" >> "$OUT/redis.jsonl"
    log "Redis: reference script, $t clients"
    read -r c0 u0 < <(evalsha_stats)
    if rps=$(bash "$REDIS_REFERENCE" "$REDIS_PORT" "$t" "$REDIS_CLAIMS") && [[ -n $rps ]]; then
      read -r c1 u1 < <(evalsha_stats)
      us=$(awk -v c=$((c1 - c0)) -v u=$((u1 - u0)) 'BEGIN { printf "%.2f", (c > 0 ? u / c : 0) }')
      echo "{\"program\":\"redis-reference\",\"store\":\"redis\",\"clients\":$t,\"claims_per_sec\":$rps,\"us_per_call\":$us}" \
        >> "$OUT/redis.jsonl"
    else
      log "redis-reference.sh failed at $t clients"
    fi
  done
fi

if ! skip postgresql; then
  : > "$OUT/postgresql.jsonl"
  for t in $SWEEP; do
    log "PostgreSQL: JdbcClaimLoad, $t threads"
    java -cp "$EXAMPLES_JAR" io.couponengine.examples.JdbcClaimLoad --jdbc "$PG_JDBC" --threads "$t" \
      --claims "$PG_CLAIMS" --users "$PG_CLAIMS" --codes "$CODES" --limit 2 --warmup 1000 \
      2>/dev/null | prefix jdbc-claim-load postgresql "$t" >> "$OUT/postgresql.jsonl"
    log "PostgreSQL: pgbench, $t clients"
    if "$PGB/setup.sh" "$PGBENCH_URL" 200000 > /dev/null \
        && out=$(pgbench -n -M prepared -c "$t" -j $((t < 2 ? 1 : 2)) -T "$PGBENCH_SECONDS" -D users=2000000000 \
          -f "$PGB/claim.sql" "$PGBENCH_URL" 2>&1); then
      tps=$(echo "$out" | grep -m1 '^tps' | awk '{print $3}')
      echo "{\"program\":\"pgbench\",\"store\":\"postgresql\",\"clients\":$t,\"claims_per_sec\":$tps}" \
        >> "$OUT/postgresql.jsonl"
    else
      log "pgbench failed at $t clients"
    fi
  done
  "$PGB/setup.sh" "$PGBENCH_URL" 0 drop > /dev/null || true
fi

if ! skip mariadb; then
  : > "$OUT/mariadb.jsonl"
  for t in $SWEEP; do
    log "MariaDB: JdbcClaimLoad, $t threads"
    java -cp "$EXAMPLES_JAR" io.couponengine.examples.JdbcClaimLoad --jdbc "$MARIADB_JDBC" --threads "$t" \
      --claims "$MARIADB_CLAIMS" --users "$MARIADB_CLAIMS" --codes "$CODES" --limit 2 --warmup 1000 \
      2>/dev/null | prefix jdbc-claim-load mariadb "$t" >> "$OUT/mariadb.jsonl"
  done
fi

{
  echo "load average after: $(loadavg)"
  echo "took: $(( $(date +%s) - START )) s"
} >> "$OUT/run.txt"
log "done: $OUT"
cat "$OUT/run.txt" >&2
