#!/usr/bin/env bash
# SQL injection probe of the list pages' filters and search parameters with Debian's sqlmap.
#
# usage: scripts/sqlmap_probe.sh http://127.0.0.1:PORT 'sessionid=<a logged-in chair session>'
#
# Loopback only. Each target is bounded by SQLMAP_SECONDS (default 120 s); every GET parameter
# listed is tested (boolean, error, UNION, stacked and time-based techniques against PostgreSQL,
# level SQLMAP_LEVEL=2, risk 1), the session cookie itself is left alone (-p lists the parameters).
# `make stress` runs it against its gunicorn; run it by hand against `manage.py runserver` too.
# Prints one "sqlmap: …" line per target. Exit status: 1 when a parameter is injectable or the
# server answered 5xx during the probe, else 0.
set -uo pipefail
BASE=${1:?usage: $0 http://127.0.0.1:PORT 'sessionid=…'}
COOKIE=${2:?usage: $0 http://127.0.0.1:PORT 'sessionid=…'}
case "$BASE" in
  http://127.0.0.1:*|http://localhost:*|http://\[::1\]:*) ;;
  *) echo "sqlmap_probe: refusing $BASE (loopback only)"; exit 2 ;;
esac
command -v sqlmap >/dev/null || { echo "sqlmap: not installed (apt-get install sqlmap)"; exit 0; }
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${SQLMAP_SECONDS:-120}
LEVEL=${SQLMAP_LEVEL:-2}
OUT=out/sqlmap
mkdir -p "$OUT"

# path?query|parameters to test
TARGETS=(
  "/members/?q=wang&status=active&department=1&sub_union=1&employment_type=established&ordering=name|q,status,department,sub_union,employment_type,ordering"
  "/welfare/ledger/?member=zhang&start=2021-01-01&end=2021-12-31&occasion=1&funding_source=union_funds&sub_union=1|member,start,end,occasion,funding_source,sub_union"
  "/congress/proposals/?q=shitang&status=submitted&session=1&view=public|q,status,session,view"
  "/activities/?q=yundong&type=sports&status=open&year=2021|q,type,status,year"
  "/members/audit/?action=login&user=chair|action,user"
)
rc=0
for entry in "${TARGETS[@]}"; do
  target=${entry%%|*}
  params=${entry##*|}
  log="$OUT/$(echo "$target" | tr -c 'a-zA-Z0-9' '_' | cut -c1-60).log"
  timeout --signal=INT "$SECONDS_PER_TARGET" sqlmap -u "$BASE$target" --cookie="$COOKIE" -p "$params" \
    --batch --dbms=PostgreSQL --level="$LEVEL" --risk=1 --technique=BEUST --time-sec=2 --threads=4 \
    --flush-session --output-dir="$OUT" --disable-coloring --skip-waf --answers="follow=N" >"$log" 2>&1
  status=$?
  fivexx=$(grep -oE '^5[0-9][0-9] \([^)]*\) - [0-9]+ times' "$log" | awk '{s+=$NF} END {print s+0}')
  if grep -q "sqlmap identified the following injection point" "$log"; then
    verdict="INJECTABLE"; rc=1
  elif grep -q "do not appear to be injectable" "$log"; then
    verdict="not injectable (all techniques tried)"
  elif [ "$status" = 124 ] || grep -qi "user aborted" "$log"; then
    verdict="no injection found within ${SECONDS_PER_TARGET}s (stopped)"
  else
    verdict="inconclusive (exit $status)"
  fi
  redirected=$(grep -c "got a 302 redirect" "$log")
  [ "$fivexx" -gt 0 ] && rc=1
  echo "sqlmap: ${target%%\?*} [$params]: $verdict; server 5xx during probe: $fivexx; login redirects: $redirected; log $log"
done
exit $rc
