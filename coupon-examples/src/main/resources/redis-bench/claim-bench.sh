#!/usr/bin/env bash
# redis-benchmark running the store's own claim script (coupon-redis/src/main/resources/io/couponengine/redis/
# claim.lua, read from the source tree: same keys, same commands) by EVALSHA. Run it from a checkout.
# Usage: claim-bench.sh [host] [port] [claims] [codes] [users] [limit] [clients]
# Defaults mirror: RedisClaimLoad --threads 50 --claims 200000 --users 50000 --limit 2 (codes = claims / 2).
# redis-benchmark draws users and idempotency keys at random from one range (-r USERS): with USERS=50000 about
# half its calls are DUPLICATE replays (a cheap path), so its mix is lighter than the load program's. For the same
# work as RedisClaimLoad (100,000 full claims, 100,000 cheap refusals) pass USERS=2000000000: keys never repeat and
# the second half of the calls answer SOLD_OUT. BENCHMARKS.md gives both.
# __rand_int__ (redis-benchmark -r USERS) picks the user and the idempotency key; keys live under a unique
# prefix and are deleted at the end. Nothing is flushed.
set -euo pipefail
H=${1:-127.0.0.1}; P=${2:-6379}; N=${3:-200000}; CODES=${4:-$((N / 2))}; USERS=${5:-50000}; LIMIT=${6:-2}; C=${7:-50}
DIR=$(cd "$(dirname "$0")" && pwd)
PFX="claimbench-$$-$RANDOM"; T="BNCH22"; TAG="$PFX:{t:$T}:"
cli() { redis-cli -h "$H" -p "$P" "$@"; }
cli hset "${TAG}meta" status AVAILABLE loaded "$CODES" >/dev/null
cli eval "local n=tonumber(ARGV[1]) for i=1,n,5000 do local t={} for j=i,math.min(i+4999,n) do t[#t+1]='DR-BNCH22-'..j end redis.call('RPUSH',KEYS[1],unpack(t)) end return redis.call('LLEN',KEYS[1])" 1 "${TAG}pool" "$CODES" >/dev/null
CLAIM_LUA=${CLAIM_LUA:-$DIR/../../../../../coupon-redis/src/main/resources/io/couponengine/redis/claim.lua}
SHA=$(cli -x script load < "$CLAIM_LUA")
REC='1764028800|1764633600||3|cidu' # CouponRecord: claimedAt|expiresAt|validFrom|id length|id+user
redis-benchmark -h "$H" -p "$P" -c "$C" -n "$N" -r "$USERS" -q \
  evalsha "$SHA" 9 "${TAG}meta" "${TAG}pool" "${TAG}uc" "${TAG}cp" "${TAG}due:1764633600000" "${TAG}dueb" \
  "${TAG}idem:__rand_int__" "${TAG}events" "$PFX:{u:0}:list:user-__rand_int__" "user-__rand_int__" "$LIMIT" "$REC" \
  86400 1000000 1764633600000 | tr '\r' '\n' | grep "requests per second" | tail -1 | sed "s/.*: \([0-9.]* requests per second\)/redis-benchmark claim.lua: \1/"
echo "claimed (claim records): $(cli hlen "${TAG}cp"), left in pool: $(cli llen "${TAG}pool")"
cli --scan --pattern "$PFX:*" | xargs -r -n 1000 redis-cli -h "$H" -p "$P" unlink >/dev/null
