#!/usr/bin/env bash
# Benchmark: `exsweep hunt` over a generated Exchange log tree, against ripgrep searching the same
# files for the rule pack's literal strings, in the same run. Sizes: 1x and 4x (default 2 GB and
# 8 GB) to show time grows linearly. Prints a Markdown table for bench/README.md.
#
#   bench/hunt-logs.sh [SIZE_1X]     e.g. bench/hunt-logs.sh 2GB
#
# Needs: Go, ripgrep, hyperfine, GNU time (installed with apt-get when missing), ~12 GB of disk
# under bench/out/ (deleted at the end unless KEEP=1).
set -euo pipefail
cd "$(dirname "$0")/.."
size1="${1:-2GB}"
runs="${RUNS:-3}"
out=bench/out
mkdir -p "$out"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need rg ripgrep; need hyperfine hyperfine; [ -x /usr/bin/time ] || need time time

CGO_ENABLED=0 go build -trimpath -o "$out/exsweep" ./cmd/exsweep
go build -o "$out/loggen" ./bench/loggen
go build -o "$out/truthcheck" ./bench/truthcheck
"$out/exsweep" rules atoms > "$out/atoms.txt"
# The same literals rg must find in IIS rows: spaces as '+', as exsweep searches them.
sed -n 's/ /+/gp' "$out/atoms.txt" >> "$out/atoms.txt"

mult() { # "2GB" x 4 -> "8GB"
  local n="${1%%[A-Za-z]*}" u="${1##*[0-9]}"; echo "$(( n * $2 ))$u"
}

echo "| size | files | exsweep wall (s) | rg wall (s) | exsweep / rg | exsweep peak RSS | exsweep MB/s | chains found | false incidents |"
echo "|---|---|---|---|---|---|---|---|---|"
for m in 1 4; do
  size=$(mult "$size1" "$m")
  tree="$out/tree-$size"
  if [ ! -f "$tree/ground-truth.json" ]; then
    rm -rf "$tree"
    "$out/loggen" -out "$tree" -size "$size" -seed 1 >/dev/null
  fi
  bytes=$(du -sb "$tree" | cut -f1)
  files=$(find "$tree" -type f -iname '*.log' | wc -l)
  find "$tree" -type f -exec cat {} + >/dev/null   # warm the page cache for both tools alike
  hyperfine --warmup 1 --runs "$runs" -N --ignore-failure --export-json "$out/hf-$size.json" \
    -n exsweep "$out/exsweep hunt --root $tree --format json --quiet" \
    -n rg "rg -i -F -f $out/atoms.txt --no-ignore --hidden -j 2 $tree" >/dev/null
  ex=$(python3 -c "import json;d=json.load(open('$out/hf-$size.json'));print('%.2f'%[r for r in d['results'] if r['command']=='exsweep'][0]['median'])")
  rgt=$(python3 -c "import json;d=json.load(open('$out/hf-$size.json'));print('%.2f'%[r for r in d['results'] if r['command']=='rg'][0]['median'])")
  set +e
  /usr/bin/time -f "%M" -o "$out/rss-$size.txt" "$out/exsweep" hunt --root "$tree" --format json --quiet > "$out/report-$size.json"
  set -e
  rss_kb=$(tail -1 "$out/rss-$size.txt")
  truth=$("$out/truthcheck" -truth "$tree/ground-truth.json" -report "$out/report-$size.json" | tail -1 || true)
  found=$(echo "$truth" | sed -n 's/.*chains found: \([0-9]*\/[0-9]*\).*/\1/p')
  false_inc=$(echo "$truth" | sed -n 's/.*false incidents: \([0-9]*\).*/\1/p')
  ratio=$(python3 -c "print('%.2f'%($ex/$rgt))")
  mbps=$(python3 -c "print('%.0f'%($bytes/1e6/$ex))")
  echo "| $size ($((bytes/1000000)) MB) | $files | $ex | $rgt | $ratio | $((rss_kb/1024)) MB | $mbps | $found | $false_inc |"
done
[ "${KEEP:-0}" = 1 ] || rm -rf "$out"/tree-*
