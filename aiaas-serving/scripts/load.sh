#!/bin/sh
# Load test of 'aiaas serve' on loopback with wrk (Debian: apt-get install -y wrk), bounded in time.
# Usage: sh aiaas-serving/scripts/load.sh MODEL.aiaas [SECONDS] [EXTRA SERVE OPTIONS...]
# Starts the server on port 8599 with a fresh token, sends one 784-value instance per request
# (batch 1), and prints one line per run: full speed with 1, 4, 16 and 32 connections, then
# paced near 1,000 requests/s (10 connections, 10 ms between a response and the next request).
# Example: sh aiaas-serving/scripts/load.sh fm.aiaas 10 --max-batch 32 --max-delay-ms 1
set -eu
model=$1
secs=${2:-10}
shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
port=8599
. "$here/serve-fm.sh"
echo "serve options: $* ; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# the server's CPU time (user + system, in clock ticks) and its answered requests, to give its CPU per request
cpu() { awk '{print $14 + $15}' /proc/$server/stat; }
answered() { curl -s -H "Authorization: Bearer $AIAAS_TOKEN" http://127.0.0.1:8599/metrics \
    | awk '/^aiaas_requests_total\{code="200",model="fm"/ {print $2 + 0}'; }
hz=$(getconf CLK_TCK)
run() { # connections, delay ms, label
  c0=$(cpu); n0=$(answered); n0=${n0:-0}
  line=$(AIAAS_DELAY_MS=$2 wrk -t1 -c$1 -d${secs}s -s "$here/predict.lua" $url | tail -1)
  c1=$(cpu); n1=$(answered)
  printf '%-18s %s  server CPU %s us/request\n' "$3" "$line" "$(echo "($c1 - $c0) * 1000000 / $hz / ($n1 - $n0)" | bc)"
}
AIAAS_DELAY_MS=0 wrk -t1 -c4 -d3s -s "$here/predict.lua" $url > /dev/null   # warm-up
for c in 1 4 16 32; do
  run $c 0 "c=$c full speed"
done
run 10 10 "c=10 paced 10 ms"
curl -s -H "Authorization: Bearer $AIAAS_TOKEN" http://127.0.0.1:8599/metrics | grep -E '^aiaas_batch_rows_(count|sum)|^aiaas_requests_total' || true
