#!/usr/bin/env bash
# Benchmark: the file part of `exsweep hunt` (web shells and attacker files on disk) over a
# generated Exchange server drive (bench/filegen: 200,000 files, 5 GB, our own shells planted),
# against the Debian yara CLI (`yara -r -p 2`) scanning the same tree for the same literal strings
# (the file rules' atoms, written as one YARA rule by this script), in the same run. Checks every
# planted shell against the ground truth. Prints a Markdown table for bench/README.md.
#
#   bench/files-hunt.sh [FILES] [BYTES]     defaults: 200000 5GB
#
# Needs: Go, yara, hyperfine, GNU time (installed with apt-get when missing), ~5.5 GB of disk under
# bench/out/ (the tree is kept for reruns; KEEP=0 deletes it at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
nfiles="${1:-200000}"
size="${2:-5GB}"
runs="${RUNS:-3}"
out=bench/out
mkdir -p "$out"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need yara yara; need hyperfine hyperfine; [ -x /usr/bin/time ] || need time time

CGO_ENABLED=0 go build -trimpath -o "$out/exsweep" ./cmd/exsweep
go build -o "$out/filegen" ./bench/filegen
go build -o "$out/filetruth" ./bench/filetruth

tree="$out/files-$nfiles-$size"
if [ ! -f "$tree.truth.jsonl" ]; then
  rm -rf "$tree"
  "$out/filegen" -out "$tree" -files "$nfiles" -bytes "$size" -seed 1 -corpus testdata/files-corpus -truth "$tree.truth.jsonl" >/dev/null
fi

# The same strings for yara: every literal the file rules search for, any case, ASCII and
# UTF-16 (exsweep decodes UTF-16 pages).
"$out/exsweep" rules atoms --source file | sort -u > "$out/file-atoms.txt"
{
  echo 'rule exsweep_file_atoms {'
  echo '  strings:'
  i=0
  while IFS= read -r a; do
    esc=$(printf '%s' "$a" | sed 's/\\/\\\\/g; s/"/\\"/g')
    echo "    \$a$i = \"$esc\" nocase ascii wide"
    i=$((i+1))
  done < "$out/file-atoms.txt"
  echo '  condition:'
  echo '    any of them'
  echo '}'
} > "$out/file-atoms.yar"

bytes=$(du -sb --apparent-size "$tree" | cut -f1)
files=$(find "$tree" -type f | wc -l)
find "$tree" -type f -print0 | xargs -0 cat >/dev/null   # warm the page cache for both tools alike

ex="$out/exsweep hunt --root $tree --only files --format json --quiet"
hyperfine --warmup 1 --runs "$runs" -N --ignore-failure --export-json "$out/hf-files.json" \
  -n exsweep "$ex" \
  -n exsweep-deep "$ex --deep" \
  -n yara "yara -r -p 2 $out/file-atoms.yar $tree" >/dev/null
med() { python3 -c "import json;d=json.load(open('$out/hf-files.json'));print('%.2f'%[r for r in d['results'] if r['command']=='$1'][0]['median'])"; }
t_ex=$(med exsweep); t_deep=$(med exsweep-deep); t_yara=$(med yara)

rss() { # command... -> peak RSS in MB
  /usr/bin/time -f "%M" -o "$out/rss.txt" "$@" > "$out/last.out" 2>/dev/null || true
  echo $(( $(tail -1 "$out/rss.txt") / 1024 ))
}
r_ex=$(rss $ex); cp "$out/last.out" "$out/report-files.json"
r_deep=$(rss $ex --deep); cp "$out/last.out" "$out/report-files-deep.json"
r_yara=$(rss yara -r -p 2 "$out/file-atoms.yar" "$tree"); cp "$out/last.out" "$out/yara-files.txt"
truth=$("$out/filetruth" -truth "$tree.truth.jsonl" -report "$out/report-files.json" -root "$tree" -yara "$out/yara-files.txt" | tail -1)
truth_deep=$("$out/filetruth" -truth "$tree.truth.jsonl" -report "$out/report-files-deep.json" | tail -1)
read_ex=$(python3 -c "import json;s=json.load(open('$out/report-files.json'))['hosts'][0]['stats'];print('%d files read, %.0f MB'%(s['files_read'],s['file_bytes']/1e6))")
read_deep=$(python3 -c "import json;s=json.load(open('$out/report-files-deep.json'))['hosts'][0]['stats'];print('%d files read, %.0f MB'%(s['files_read'],s['file_bytes']/1e6))")

echo "Tree: $files files, $((bytes/1000000)) MB (apparent size), $(wc -l < "$out/file-atoms.txt") literal strings."
echo
echo "| tool | wall (s, median of $runs) | vs yara | peak RSS | read | ground truth |"
echo "|---|---|---|---|---|---|"
echo "| exsweep hunt --only files | $t_ex | $(python3 -c "print('%.2fx'%($t_ex/$t_yara))") | $r_ex MB | $read_ex | $truth |"
echo "| exsweep hunt --only files --deep | $t_deep | $(python3 -c "print('%.2fx'%($t_deep/$t_yara))") | $r_deep MB | $read_deep | $truth_deep |"
echo "| yara -r -p 2 (same strings) | $t_yara | 1.00x | $r_yara MB | every file, $((bytes/1000000)) MB | (see yara column above) |"
[ "${KEEP:-1}" = 1 ] || rm -rf "$tree" "$tree.truth.jsonl"
