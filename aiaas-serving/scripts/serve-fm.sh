# Sourced by load.sh, rate.sh, soak.sh and peer-onnx-node.sh (not run alone): starts 'aiaas serve'
# with the model "fm" on loopback port $port with a fresh token, writes a one-instance request
# body of 784 values to $work/one.json, and waits until the server is ready. Needs: $model, $port,
# $here and the extra serve options in "$@". Sets: $work, $server (the server's PID), $url (the
# predict route), AIAAS_TOKEN and AIAAS_BODY (exported, for wrk's predict.lua). Stops the server
# (and a load generator whose PID the caller put in $load) and removes $work on exit.
jar=${AIAAS_JAR:-$here/../../aiaas-cli/target/aiaas.jar}
work=$(mktemp -d)
trap 'kill $server ${load:-} 2>/dev/null || true; rm -rf "$work"' EXIT
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/tokens.txt"
chmod 600 "$work/tokens.txt"
python3 -c "
import random; random.seed(1)
row = [round(random.random(), 3) for _ in range(784)]
open('$work/one.json', 'w').write('{\"instances\": [[' + ', '.join(map(str, row)) + ']]}')"
java --add-modules jdk.incubator.vector -Xmx1g -jar "$jar" serve --model "fm=$model" --port "$port" \
    --token-file "$work/tokens.txt" "$@" > "$work/server.log" 2>&1 &
server=$!
for i in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/readyz" && break
  sleep 0.2
done
export AIAAS_TOKEN=$(cat "$work/tokens.txt") AIAAS_BODY="$work/one.json"
url=http://127.0.0.1:$port/v1/models/fm:predict
