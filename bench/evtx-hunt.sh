#!/usr/bin/env bash
# Benchmark: the event-log part of `exsweep hunt` (EVTX files read, every event judged by the
# event rules, JSON report) over a generated winevt\Logs folder (bench/evtxgen: 1 GiB, a
# realistic Exchange server mix, 24 attack events planted), against libevtx's evtxexport
# converting the same files to XML, in the same run. Checks exsweep's report against the
# ground truth. Prints a Markdown table for bench/README.md.
#
#   bench/evtx-hunt.sh [SIZE]      default 1GiB; SEED=1, RUNS=3 (exsweep's timed runs)
#
# Needs: Go, evtxexport (Debian libevtx-utils), hyperfine, GNU time, python3 (installed with
# apt-get when missing), about SIZE of disk under bench/out/evtx (kept for reruns: the folder is
# regenerated only when the size, the seed or the generator's or writer's code changed).
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1GiB}"
seed="${SEED:-1}"
runs="${RUNS:-3}"
out=bench/out
dir="$out/evtx"
root="$out/evtx-emptyroot"
mkdir -p "$out" "$root"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need evtxexport libevtx-utils; need hyperfine hyperfine; need python3 python3; [ -x /usr/bin/time ] || need time time

CGO_ENABLED=0 go build -trimpath -o "$out/exsweep" ./cmd/exsweep
go build -o "$out/evtxgen" ./bench/evtxgen
go build -o "$out/evtxtruth" ./bench/evtxtruth

# Regenerate only when what decides the bytes changed.
stamp="size=$size seed=$seed code=$(find bench/evtxgen internal/evtx/evtxwrite -maxdepth 1 -name '*.go' ! -name '*_test.go' | sort | xargs cat | sha256sum | cut -c1-16)"
if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$dir"
  "$out/evtxgen" -out "$dir" -size "$size" -seed "$seed" >&2
  echo "$stamp" > "$dir/.stamp"
fi

read -r nfiles bytes events < <(awk -F'\t' 'NR>2 {n++; e+=$3; b+=$4} END {print n, b, e}' "$dir/manifest.tsv")
mb=$(python3 -c "print('%.0f' % ($bytes/1e6))")
cat "$dir"/*.evtx > /dev/null   # warm the page cache for both tools alike
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# timed CMD...: one run under GNU time -v; sets t_rc, t_wall (s), t_rss (MB), t_cpu (user+sys s).
timed() {
  t_rc=0
  /usr/bin/time -v -o "$out/time.txt" "$@" || t_rc=$?
  t_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$out/time.txt")
  t_rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$out/time.txt")
  t_cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$out/time.txt")
}

# exsweep: one run under GNU time (peak RSS, CPU, the report checked below), then hyperfine.
# Exit 1 is expected (findings); 2 to 4 mean it failed or could not read something.
ex=("$out/exsweep" hunt --root "$root" --evtx "$dir" --only events --format json --quiet)
timed "${ex[@]}" > "$out/report-evtx.json" 2> "$out/exsweep-evtx.err"
if [ "$t_rc" -gt 1 ]; then
  echo "exsweep exited $t_rc:" >&2; cat "$out/exsweep-evtx.err" >&2; exit 2
fi
ex_rss=$t_rss ex_cpu=$t_cpu ex_once=$t_wall
hyperfine --warmup 1 --runs "$runs" -N --ignore-failure --export-json "$out/hf-evtx.json" -n exsweep "${ex[*]}" >/dev/null
ex_med=$(python3 -c "import json;d=json.load(open('$out/hf-evtx.json'));r=d['results'][0];print('%.2f %.2f %.2f'%(r['median'],min(r['times']),max(r['times'])))")
read -r ex_wall ex_min ex_max <<< "$ex_med"
ex_events=$(python3 -c "import json;print(json.load(open('$out/report-evtx.json'))['hosts'][0]['stats']['events'])")
truth=$("$out/evtxtruth" -truth "$dir/truth.tsv" -report "$out/report-evtx.json" | tee "$out/evtxtruth.txt" | tail -1) || true

# evtxexport converts one file per run, on one core: once one file after another, once two
# files at a time (this machine's two cores, as exsweep uses them). Its XML goes to /dev/null.
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
timed bash -c 'for f in "$1"/*.evtx; do evtxexport -f xml "$f" > /dev/null 2>> "$2"; done' _ "$dir" "$out/evtxexport.err"
ee_wall=$t_wall ee_rss=$t_rss ee_cpu=$t_cpu
# shellcheck disable=SC2016
timed bash -c 'find "$1" -name "*.evtx" -print0 | xargs -0 -n 1 -P 2 evtxexport -f xml > /dev/null 2>> "$2"' _ "$dir" "$out/evtxexport.err"
ep_wall=$t_wall ep_rss=$t_rss ep_cpu=$t_cpu
ee_errs=$(grep -vc '^evtxexport 20' "$out/evtxexport.err" || true)

row() { # name wall rss cpu
  python3 -c "
b=$bytes; e=$events; w=$2
print('| $1 | %.0f | %d | %.2f | %.0f | %.1f | $3 | $4 |' % (b/1e6, e, w, e/w, b/1e6/w))"
}
echo "Folder: $nfiles EVTX files, $mb MB ($bytes bytes), $events events (exsweep counted $ex_events); seed $seed."
echo
echo "| tool | MB | events | wall (s) | events/s | MB/s | peak RSS (MB) | CPU user+sys (s) |"
echo "|---|---|---|---|---|---|---|---|"
row "exsweep hunt --only events (median of $runs; $ex_min–$ex_max s)" "$ex_wall" "$ex_rss" "$ex_cpu"
row "evtxexport -f xml, one file after another (1 run)" "$ee_wall" "$ee_rss" "$ee_cpu"
row "evtxexport -f xml, two files at a time (1 run)" "$ep_wall" "$ep_rss" "$ep_cpu"
echo
python3 -c "print('exsweep / evtxexport throughput: %.1fx (one file after another), %.1fx (two at a time)' % ($ee_wall/$ex_wall, $ep_wall/$ex_wall))"
echo "exsweep's single run under GNU time: $ex_once s. evtxexport error lines: $ee_errs."
echo "Ground truth: $truth"
echo "Load average (1, 5, 15 min) before the timings: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
