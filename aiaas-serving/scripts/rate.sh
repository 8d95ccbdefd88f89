#!/bin/sh
# Fixed-rate load test of 'aiaas serve' on loopback with hey (Debian: apt-get install -y hey).
# Usage: sh aiaas-serving/scripts/rate.sh MODEL.aiaas [SECONDS] [RATE] [EXTRA SERVE OPTIONS...]
# Starts the server on port 8598 with a fresh token, warms it up for 10 s, then sends one
# 784-value instance per request (batch 1) at RATE requests/s in total (default 1000: 10 workers
# at RATE/10 each) for SECONDS (default 30), and prints hey's summary (rate, latency percentiles,
# status codes) with the load average before and after.
# Example: sh aiaas-serving/scripts/rate.sh fm.aiaas 30 1000
set -eu
model=$1
secs=${2:-30}
rate=${3:-1000}
shift 3 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
jar=${AIAAS_JAR:-$here/../../aiaas-cli/target/aiaas.jar}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
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
url=http://127.0.0.1:8598/v1/models/fm:predict
load() { hey -z "$1" -c 10 -q "$2" -m POST -T application/json -D "$work/one.json" \
    -H "Authorization: Bearer $(cat "$work/tokens.txt")" $url; }
load 10s $((rate / 10)) > /dev/null   # warm-up: the JIT compiles the server's and the kernels' paths
echo "serve options: $* ; rate $rate/s for ${secs}s ; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
load "${secs}s" $((rate / 10)) | grep -E 'Requests/sec|Total:|Slowest|Fastest|Average|% in|\[[0-9]+\]|Error'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
