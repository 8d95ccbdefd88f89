#!/bin/sh
# Soak run of 'aiaas serve' (not in CI): paced load for a while, the server's resident memory
# sampled every 30 s, errors counted. Needs wrk (apt-get install -y wrk) and the CLI jar.
# Usage: sh aiaas-serving/scripts/soak.sh MODEL.aiaas [MINUTES] [EXTRA SERVE OPTIONS...]
set -eu
model=$1
minutes=${2:-10}
shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
jar=${AIAAS_JAR:-$here/../../aiaas-cli/target/aiaas.jar}
work=$(mktemp -d)
trap 'kill $server $load 2>/dev/null || true; rm -rf "$work"' EXIT
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/tokens.txt"
chmod 600 "$work/tokens.txt"
python3 -c "
import random; random.seed(1)
row = [round(random.random(), 3) for _ in range(784)]
open('$work/one.json', 'w').write('{\"instances\": [[' + ', '.join(map(str, row)) + ']]}')"
java --add-modules jdk.incubator.vector -Xmx1g -jar "$jar" serve --model "fm=$model" --port 8598 \
    --token-file "$work/tokens.txt" "$@" > "$work/server.log" 2>&1 &
server=$!
for i in $(seq 1 100); do
  curl -s -o /dev/null http://127.0.0.1:8598/readyz && break
  sleep 0.2
done
export AIAAS_TOKEN=$(cat "$work/tokens.txt") AIAAS_BODY="$work/one.json" AIAAS_DELAY_MS=10
echo "soak: $minutes min, 10 connections paced 10 ms; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t1 -c10 -d${minutes}m -s "$here/predict.lua" http://127.0.0.1:8598/v1/models/fm:predict > "$work/wrk.txt" &
load=$!
t=0
while kill -0 $load 2>/dev/null; do
  echo "t=${t}s RSS $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$server/status)"
  sleep 30
  t=$((t + 30))
done
tail -1 "$work/wrk.txt"
curl -s -H "Authorization: Bearer $AIAAS_TOKEN" http://127.0.0.1:8598/metrics | grep -E '^aiaas_requests_total' || true
echo "server log:"; cat "$work/server.log"
