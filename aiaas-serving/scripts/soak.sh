#!/bin/sh
# Soak run of 'aiaas serve' (not in CI): paced load for a while, the server's resident memory
# sampled every 30 s, errors counted. Needs wrk (apt-get install -y wrk) and the CLI jar.
# Usage: sh aiaas-serving/scripts/soak.sh MODEL.aiaas [MINUTES] [EXTRA SERVE OPTIONS...]
set -eu
model=$1
minutes=${2:-10}
shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
port=8593
. "$here/serve-fm.sh"
export AIAAS_DELAY_MS=10
echo "soak: $minutes min, 10 connections paced 10 ms; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t1 -c10 -d${minutes}m -s "$here/predict.lua" $url > "$work/wrk.txt" &
load=$!
t=0
while kill -0 $load 2>/dev/null; do
  echo "t=${t}s RSS $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$server/status)"
  sleep 30
  t=$((t + 30))
done
tail -1 "$work/wrk.txt"
curl -s -H "Authorization: Bearer $AIAAS_TOKEN" http://127.0.0.1:$port/metrics | grep -E '^aiaas_requests_total' || true
echo "server log:"; cat "$work/server.log"
