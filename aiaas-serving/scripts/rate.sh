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
port=8598
. "$here/serve-fm.sh"
load() { hey -z "$1" -c 10 -q "$2" -m POST -T application/json -D "$work/one.json" \
    -H "Authorization: Bearer $(cat "$work/tokens.txt")" $url; }
load 10s $((rate / 10)) > /dev/null   # warm-up: the JIT compiles the server's and the kernels' paths
echo "serve options: $* ; rate $rate/s for ${secs}s ; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
load "${secs}s" $((rate / 10)) | grep -E 'Requests/sec|Total:|Slowest|Fastest|Average|% in|\[[0-9]+\]|Error'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
