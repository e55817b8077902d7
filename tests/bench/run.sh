#!/usr/bin/env bash
# Benchmark: whispir-migrate check vs ripgrep on the 20 000-file corpus, in one hyperfine run,
# plus peak RSS and recall/false positives against the corpus truth file; then a scaling table
# (check and fix --diff against ripgrep, peak RSS) for each corpus size in SIZES.
#
#   tests/bench/run.sh [WORK_DIR]        (default /tmp/whispir-bench)
#   SIZES="5000 20000 100000" tests/bench/run.sh [WORK_DIR]    (default SIZES: 5000 20000)
#   tests/bench/run.sh --scaling [WORK_DIR]    (the scaling table only)
#
# Corpora are generated once into WORK_DIR/corpus-<N>k (the 100 000-file one is 1.8 GB and
# takes several minutes to generate).
#
# Needs python3, hyperfine, rg and /usr/bin/time (apt-get install hyperfine ripgrep time).
# The corpus generator lives in ../shared/bench (next to this repository).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
only_scaling=false
if [ "${1:-}" = --scaling ]; then only_scaling=true; shift; fi
work=${1:-/tmp/whispir-bench}
gen=${CORPUS_GENERATOR:-$repo/../shared/bench/make-corpus.py}
corpus=$work/corpus-20k
bin=$repo/target/release/whispir-migrate
sizes=${SIZES:-5000 20000}

# corpus_for N: the N-file corpus directory, generated (and made a git repository: ripgrep
# honours .gitignore only inside one) when missing.
corpus_for() {
  local dir=$work/corpus-$(($1 / 1000))k
  if [ ! -d "$dir" ]; then
    python3 "$gen" "$dir" --files "$1" --seed 1 --hit-rate 0.01 >&2
    git -C "$dir" init -q
  fi
  echo "$dir"
}

for tool in python3 hyperfine rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine ripgrep time)" >&2; exit 2; }
done
(cd "$repo" && cargo build --release -q)
mkdir -p "$work"

scaling() {
  echo "== scaling: check and fix --diff against ripgrep (hyperfine --warmup 2 --runs 10, medians), peak RSS of check"
  echo "| files | bytes | check | rg --hidden -i -c | ratio | fix --diff | ratio | check peak RSS |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  for n in $sizes; do
    dir=$(corpus_for "$n")
    (cd "$dir" && hyperfine --style none --warmup 2 --runs 10 -N -i \
      --export-json "$work/scaling-$n.json" \
      --command-name check "$bin check . --no-config --format json" \
      --command-name rg "rg --hidden -i -c whispir ." \
      --command-name fix-diff "$bin fix . --no-config --region au --diff" >/dev/null 2>&1)
    (cd "$dir" && /usr/bin/time -f %M -o "$work/rss-$n.txt" "$bin" check . --no-config --format json >/dev/null) || true
    rss=$(tail -1 "$work/rss-$n.txt")
    python3 - "$work/scaling-$n.json" "$dir" "$n" "$rss" <<'PY'
import json, os, sys
path, corpus, files, rss_kib = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
med = {r["command"]: r["median"] for r in json.load(open(path))["results"]}
meta = os.path.join(os.path.dirname(corpus.rstrip("/")), os.path.basename(corpus.rstrip("/")) + ".meta.json")
size = json.load(open(meta))["bytes"] if os.path.exists(meta) else 0
check, rg, fix = med["check"], med["rg"], med["fix-diff"]
print("| %d | %d MB | %.3f s | %.3f s | %.2f× | %.3f s | %.2f× | %d MiB |"
      % (files, size // 10**6, check, rg, check / rg, fix, fix / rg, rss_kib // 1024))
PY
  done
}

if $only_scaling; then scaling; exit 0; fi

corpus=$(corpus_for 20000)

cd "$corpus"
echo "== time (warm cache; hyperfine --warmup 2 --runs 10)"
hyperfine --style basic --warmup 2 --runs 10 -N -i \
  --export-json "$work/hyperfine.json" \
  "$bin check . --no-config --format json" \
  "rg --hidden -i -c whispir ." | grep -E 'Benchmark|Time|Range'
python3 - "$work/hyperfine.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
med = {x["command"].split()[0].rsplit("/", 1)[-1]: x["median"] for x in r}
ours, rg = med["whispir-migrate"], med["rg"]
print("median: whispir-migrate check %.3f s, rg %.3f s; ratio %.2fx" % (ours, rg, ours / rg))
PY

echo "== peak RSS"
/usr/bin/time -v "$bin" check . --no-config --format json >/dev/null 2>"$work/time.txt" || true
grep 'Maximum resident' "$work/time.txt"

echo "== accuracy against $(basename "$corpus").truth.jsonl"
"$bin" check . --no-config --format json >"$work/report.json" || true
python3 "$here/score.py" "$work/corpus-20k.truth.jsonl" "$work/report.json"

echo "== fix: time against check on a fresh copy of the corpus (same hyperfine run)"
copy=$work/corpus-copy
# `sync`: the copy's own writeback must not be charged to the fix that follows it.
fresh="rm -rf $copy && mkdir -p $copy && cp -a $corpus/. $copy/ && sync"
eval "$fresh"
hyperfine --style basic --warmup 1 --runs 7 -N -i \
  --export-json "$work/hyperfine-fix.json" \
  --command-name check "$bin check $copy --no-config --format json" \
  --command-name fix-diff "$bin fix $copy --no-config --region au --diff" \
  --prepare "sh -c '$fresh'" --command-name fix "$bin fix $copy --no-config --region au --allow-dirty --quiet" \
  | grep -E 'Benchmark|Time|Range'
python3 - "$work/hyperfine-fix.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print("median: check %.3f s, fix --diff %.3f s (%.2fx), fix %.3f s (%.2fx)"
      % (r["check"], r["fix-diff"], r["fix-diff"] / r["check"], r["fix"], r["fix"] / r["check"]))
PY

echo "== fix: nothing half-done (a removed apikey parameter always comes with an x-api-key header)"
eval "$fresh"
"$bin" fix "$copy" --no-config --region au --allow-dirty --quiet >/dev/null 2>&1 || true
python3 "$here/half_done.py" "$corpus" "$copy"

scaling
