#!/bin/sh
# 'aiaas serve' beside a peer server on the same model, on loopback, with the same loads.
# The peer: the model exported to ONNX ('aiaas export') behind ONNX Runtime's Node.js binding
# (npm onnxruntime-node, pinned below; its CPU natives ship inside the npm package) and Node's
# http module (peer-onnx-node.js beside this file). DJL Serving, the first choice, is not on
# the reachable Maven Central here (ai.djl.serving:serving and :wlm answer 404 for every
# version tried), and no Debian package serves ONNX or TorchScript (no TorchServe, Triton,
# TF Serving or onnxruntime in apt).
# Needs: the CLI jar, node and npm (Node 18+), hey and wrk (apt-get install -y hey wrk), python3.
# Usage: sh aiaas-serving/scripts/peer-onnx-node.sh MODEL.aiaas [SECONDS] [ROUNDS] [WRK_SECONDS]
#            [EXTRA SERVE OPTIONS...]   (passed to aiaas serve, as in rate.sh and load.sh)
# Resolves onnxruntime-node into aiaas-serving/target/peer-onnx-node once (npm, the only download;
# nothing is downloaded while the servers run), exports the model, starts the servers: 'aiaas'
# (aiaas serve with its defaults or the extra options, on 8597, started by serve-fm.sh as rate.sh
# starts it, with a bearer token), 'ort' (the peer with ONNX Runtime's default session options,
# on 8596) and 'ort-t1' (the same with one intra-op thread, PEER_INTRA_OP_THREADS=1, on 8595; the
# peers without authentication), checks that each peer gives aiaas's prediction for the same
# 784-value row, then in each round, for each server in turn (the order reverses round by round):
# a 10 s warm-up and SECONDS (default 30) at 1,000 requests/s (hey, 10 workers at 100/s, batch 1:
# rate.sh's load), then full speed with wrk at 1 and 32 connections for WRK_SECONDS (default 10)
# each (load.sh's runs). All servers stay up throughout; those not under load are idle. Prints
# one line per run.
# Example: sh aiaas-serving/scripts/peer-onnx-node.sh fm.aiaas 30 2
#          sh aiaas-serving/scripts/peer-onnx-node.sh fm.aiaas 30 2 10 --max-batch 32 --max-delay-ms 1
set -eu
model=$1
secs=${2:-30}
rounds=${3:-2}
wrksecs=${4:-10}
shift 4 || shift $#
ort_node_version=1.30.0
here=$(cd "$(dirname "$0")" && pwd)
peer=$here/../target/peer-onnx-node
aport=8597
pport=8596
tport=8595
if [ "$(cat "$peer/node_modules/onnxruntime-node/package.json" 2>/dev/null \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])' 2>/dev/null)" != "$ort_node_version" ]; then
  mkdir -p "$peer"
  echo '{"name": "aiaas-peer-onnx-node", "private": true}' > "$peer/package.json"
  # --ignore-scripts: onnxruntime-node's postinstall fetches the CUDA provider's files from
  # outside npm; the CPU provider used here is inside the package.
  npm install --prefix "$peer" --no-audit --no-fund --ignore-scripts --save-exact \
      "onnxruntime-node@$ort_node_version" > "$peer/npm.log" 2>&1 || { cat "$peer/npm.log"; exit 1; }
fi
ort=
ort1=
port=$aport
. "$here/serve-fm.sh"   # aiaas serve as rate.sh starts it: sets $work, $server, $jar, AIAAS_TOKEN
trap 'kill $server $ort $ort1 2>/dev/null || true; rm -rf "$work"' EXIT
aiaas=$server
token=$AIAAS_TOKEN
java --add-modules jdk.incubator.vector -jar "$jar" export --model "$model" --onnx "$work/model.onnx" \
    2>/dev/null | tail -1
NODE_PATH=$peer/node_modules node "$here/peer-onnx-node.js" "$work/model.onnx" $pport fm > "$work/ort.log" 2>&1 &
ort=$!
PEER_INTRA_OP_THREADS=1 NODE_PATH=$peer/node_modules node "$here/peer-onnx-node.js" "$work/model.onnx" $tport fm \
    > "$work/ort-t1.log" 2>&1 &
ort1=$!
for port in $aport $pport $tport; do
  for i in $(seq 1 150); do
    curl -s -o /dev/null http://127.0.0.1:$port/readyz && break
    sleep 0.2
  done
  curl -s -f -o /dev/null http://127.0.0.1:$port/readyz || { cat "$work"/*.log; exit 1; }
done
path=/v1/models/fm:predict
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC'); $(nproc) cores; java $(java -version 2>&1 | head -1 | cut -d'"' -f2);" \
    "node $(node --version); $(head -1 "$work/ort.log")"
# the same row to each: the predictions must agree within float32 rounding
curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data-binary @"$work/one.json" \
    http://127.0.0.1:$aport$path > "$work/aiaas.json"
for port in $pport $tport; do
  curl -s -H 'Content-Type: application/json' --data-binary @"$work/one.json" \
      http://127.0.0.1:$port$path > "$work/peer-$port.json"
done
python3 - "$work/aiaas.json" "$work/peer-$pport.json" "$work/peer-$tport.json" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))["predictions"][0]
print("same row: aiaas  %s" % " ".join("%.6f" % x for x in a))
for name, file in zip(["ort", "ort-t1"], sys.argv[2:]):
    p = json.load(open(file))["predictions"][0]
    diff = max(abs(x - y) for x, y in zip(a, p))
    print("          %-6s %s  max |difference| %.3g" % (name, " ".join("%.6f" % x for x in p), diff))
    if len(a) != len(p) or diff > 1e-5 * max(1.0, max(abs(x) for x in a)):
        sys.exit("%s's predictions differ from aiaas's by more than float32 rounding" % name)
EOF
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
answered() { # server
  if [ "$1" = aiaas ]; then
    curl -s -H "Authorization: Bearer $token" http://127.0.0.1:$aport/metrics \
        | awk '/^aiaas_requests_total\{code="200",model="fm"/ {print $2 + 0}'
  else
    curl -s http://127.0.0.1:$(port_of "$1")/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["answered"])'
  fi
}
port_of() { case $1 in aiaas) echo $aport ;; ort) echo $pport ;; ort-t1) echo $tport ;; esac; }
pid_of() { case $1 in aiaas) echo $aiaas ;; ort) echo $ort ;; ort-t1) echo $ort1 ;; esac; }
hz=$(getconf CLK_TCK)
hey_load() { # server duration rate-per-worker
  if [ "$1" = aiaas ]; then
    hey -z "$2" -c 10 -q "$3" -m POST -T application/json -D "$work/one.json" \
        -H "Authorization: Bearer $token" http://127.0.0.1:$aport$path
  else
    hey -z "$2" -c 10 -q "$3" -m POST -T application/json -D "$work/one.json" http://127.0.0.1:$(port_of "$1")$path
  fi
}
# hey's summary as one line: rate, p50, p99, status codes other than 200, connection errors
hey_line() {
  awk '/Requests\/sec:/ {rps = $2}
       /50% in/ {p50 = $3 * 1000} /99% in/ {p99 = $3 * 1000}
       /Status code distribution:/ {s = 1; next} /Error distribution:/ {s = 2; next}
       s == 1 && /\[[0-9]+\]/ {if ($1 == "[200]") ok += $2; else bad += $2}
       s == 2 && /\[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); err += $1}
       END {printf "requests/s %.0f  p50 %.1f ms  p99 %.1f ms  200: %d  non-200: %d  errors: %d", rps, p50, p99, ok, bad, err}'
}
measure() { # name label command...
  name=$1 label=$2
  shift 2
  pid=$(pid_of "$name")
  c0=$(ticks $pid); n0=$(answered "$name")
  line=$("$@")
  c1=$(ticks $pid); n1=$(answered "$name")
  printf '%-6s %-22s %s  server CPU %s us/request  load %s\n' "$name" "$label" "$line" \
      "$(echo "($c1 - $c0) * 1000000 / $hz / ($n1 - $n0)" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
rate_run() { hey_load "$1" "${secs}s" 100 | hey_line; }
wrk_run() { # server connections
  port=$(port_of "$1")
  if [ "$1" = aiaas ]; then tok=$token; else tok=; fi
  AIAAS_TOKEN=$tok AIAAS_BODY="$work/one.json" AIAAS_DELAY_MS=0 \
      wrk -t1 -c"$2" -d"${wrksecs}s" -s "$here/predict.lua" http://127.0.0.1:$port$path | tail -1
}
echo "aiaas serve options: ${*:-(defaults)}; AIAAS_THREADS=${AIAAS_THREADS:-(unset)}"
echo "rounds: $rounds; 1,000/s for ${secs}s (hey, 10 workers) after a 10 s warm-up, then wrk full speed" \
    "${wrksecs}s at 1 and 32 connections; batch 1; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ $r -le "$rounds" ]; do
  if [ $((r % 2)) -eq 1 ]; then order="aiaas ort ort-t1"; else order="ort-t1 ort aiaas"; fi
  for s in $order; do
    hey_load $s 10s 100 > /dev/null   # warm-up: the JIT (aiaas) and V8 (the peers) compile their paths
    measure $s "r$r 1000/s ${secs}s" rate_run $s
    measure $s "r$r wrk c=1 full speed" wrk_run $s 1
    measure $s "r$r wrk c=32 full speed" wrk_run $s 32
  done
  r=$((r + 1))
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
