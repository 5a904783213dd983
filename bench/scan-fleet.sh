#!/usr/bin/env bash
# Benchmark: `exsweep scan` against an emulated fleet served by `exsweep lab` on loopback, with
# nmap running bench/exsweep-version.nse (the same passive version check) as the reference, in the
# same run, on the same fleet; every host's answer is checked against the lab's ground truth
# (bench/scantruth). Prints the machine, the runs and a Markdown table for bench/README.md.
#
#   bench/scan-fleet.sh                  # 4,096 hosts, 10 % hostile
#   HOSTS=16384 bench/scan-fleet.sh      # a bigger fleet
#
# Settings (environment): HOSTS (4096), CONCURRENCY (1024), RUNS (3 timed passive runs, after 1
# warm-up), BASE (127.16.0.1) and PORT (8443) of the lab, NMAP_HOSTS (all: nmap scans the first
# NMAP_HOSTS addresses only when set lower; 0 skips nmap), KEEP=1 keeps the scans in
# bench/out/scan/.
# Needs: Linux (all of 127.0.0.0/8 on loopback), Go, nmap and GNU time (installed with apt-get
# when missing), ~100 MB under bench/out/scan/. Takes about 2 minutes at 4,096 hosts.
# Exit status: 1 when scantruth finds any host whose answer differs from the truth.
set -euo pipefail
cd "$(dirname "$0")/.."

hosts="${HOSTS:-4096}"
concurrency="${CONCURRENCY:-1024}"
runs="${RUNS:-3}"
base="${BASE:-127.16.0.1}"
port="${PORT:-8443}"
nmap_hosts="${NMAP_HOSTS:-$hosts}"
out=bench/out/scan

# Deadlines on loopback: 1 s per phase, 5 s per host (8 s with --active: 8 to 10 requests, 4 of
# them on new connections). A tarpit costs one phase deadline whatever the host deadline is; the
# host deadline bounds hosts that answer every request slowly or with endless bodies. The scan
# and the lab share the two cores: with 1,024 hosts in flight a healthy host's handshake waits
# well under a second for the CPU, so these deadlines fire only on hostile hosts (at 2,048, 1 s TLS
# deadlines fired on healthy hosts in one run of three). With all 4,096 at once the handshakes
# queue for seconds, so the run that measures the memory of 4,096 concurrent hosts uses the longer
# deadlines below.
scan_limits=(--connect-timeout 1s --tls-timeout 1s --header-timeout 1s --body-timeout 1s)
passive_timeout=5s
active_timeout=8s
wide_limits=(--connect-timeout 3s --tls-timeout 3s --header-timeout 2s --body-timeout 2s)
wide_timeout=5s
# nmap: no ping, no DNS, a connect scan of the one port, no retries, -T5; up to 1,024 sockets and
# script threads at once (NSE's default allows far fewer sockets); 2 s to connect and shake hands
# and 4 s per read (the http library's per-operation timeouts, exsweep-version.timeout=2000), and
# 10 s per script: NSE starts a script's clock when its thread is created, long before nmap's one
# CPU gets to it, and 4 s (exsweep's order) left most Exchange hosts unidentified.
nmap_flags=(-n -Pn -sT -p "$port" -T5 --max-retries 0 --max-parallelism 1024
  --min-hostgroup "$nmap_hosts" --script-timeout 10s --script-args exsweep-version.timeout=2000)

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need nmap nmap; [ -x /usr/bin/time ] || need time time

mkdir -p "$out"
rm -f "$out"/targets.txt "$out"/truth.jsonl "$out"/*.jsonl "$out"/*.xml "$out"/*.txt
CGO_ENABLED=0 go build -trimpath -o "$out/exsweep" ./cmd/exsweep
go build -o "$out/scantruth" ./bench/scantruth
ex="$out/exsweep"

echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
  "$(free -g | awk '/^Mem:/{print $2}') GiB RAM, Linux $(uname -r), $(go version | awk '{print $3}')," \
  "$(nmap --version | head -1 | awk '{print "nmap", $3}'). Date: $(date -u +%Y-%m-%d)."
echo "Tree: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')." \
  "Load before: $(cut -d' ' -f1-3 /proc/loadavg)."

"$ex" lab --hosts "$hosts" --base "$base" --port "$port" --hostile 0.1 --seed 1 \
  --targets "$out/targets.txt" --truth "$out/truth.jsonl" >"$out/lab.log" 2>&1 &
lab=$!
trap 'kill "$lab" 2>/dev/null || true; wait "$lab" 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  [ -f "$out/targets.txt" ] && break
  kill -0 "$lab" 2>/dev/null || { echo "exsweep lab ended early:" >&2; cat "$out/lab.log" >&2; exit 2; }
  sleep 0.1
done
[ -f "$out/targets.txt" ] || { echo "exsweep lab: no targets after 60 s" >&2; exit 2; }
sed -n '1,7p' "$out/lab.log"

tck=$(getconf CLK_TCK)
lab_cpu() { awk '{print $14 + $15}' "/proc/$lab/stat"; } # user + system, in clock ticks
secs() { awk -v t="$1" -v k="$tck" 'BEGIN{printf "%.2f", t / k}'; }
fail=0

# scan NAME TIMEOUT [FLAGS...]: one timed exsweep scan. Sets wall (s), rss (KB), cpu (exsweep's
# user + system s) and labcpu (the lab's, during the scan).
scan() {
  local name=$1 to=$2; shift 2
  local before after rc=0
  before=$(lab_cpu)
  /usr/bin/time -f "%e %M %U %S" -o "$out/time-$name.txt" \
    "$ex" scan -i "$out/targets.txt" --format jsonl --out "$out/$name.jsonl" \
    --concurrency "$concurrency" --rate 0 --quiet --timeout "$to" "${scan_limits[@]}" "$@" || rc=$?
  after=$(lab_cpu)
  if [ "$rc" -gt 1 ]; then # 0: nothing vulnerable, 1: vulnerable servers found (expected here)
    echo "exsweep scan $name: exit $rc" >&2
    tail -5 "$out/time-$name.txt" >&2
    exit 2
  fi
  read -r wall rss cpu < <(tail -1 "$out/time-$name.txt" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}')
  labcpu=$(secs $((after - before)))
}

# truth NAME [-active]: scantruth on one scan. Sets matched/total (hosts) and ident/exch (Exchange
# hosts at the right build); a mismatch prints the details and makes the bench fail at the end.
truth() {
  local name=$1; shift
  if ! "$out/scantruth" -truth "$out/truth.jsonl" -scan "$out/$name.jsonl" "$@" >"$out/truth-$name.txt"; then
    fail=1
    echo "scantruth FAILED on $name:" >&2
    sed -n '/^mismatches by kind/,$p' "$out/truth-$name.txt" | head -80 >&2
  fi
  read -r matched total ident exch < <(awk '
    /^exchange identified/ {split($NF, a, "/"); id = a[1]; ex = a[2]}
    /^hosts / {h = $2; m = $4; sub(",", "", h); sub(",", "", m)}
    END {print m, h, id, ex}' "$out/truth-$name.txt")
}

rate() { awk -v n="$1" -v w="$2" 'BEGIN{printf "%.0f", n / w}'; }
median() { sort -n | awk '{v[NR] = $1} END{print v[int((NR + 1) / 2)]}'; }

# a. The passive ladder: a warm-up, then RUNS timed runs, each checked against the truth.
scan warmup "$passive_timeout"
echo
echo "passive runs (wall, peak RSS, exsweep CPU, lab CPU, hosts matching the truth):"
walls=() rsss=() cpus=() labs=() worst="" ok_runs=0
for i in $(seq "$runs"); do
  sleep 1
  scan "passive-$i" "$passive_timeout"
  truth "passive-$i"
  echo "  run $i: $wall s, $rss KB, $cpu s, lab $labcpu s, $matched/$total"
  walls+=("$wall"); rsss+=("$rss"); cpus+=("$cpu"); labs+=("$labcpu")
  [ "$matched" = "$total" ] && ok_runs=$((ok_runs + 1))
  if [ -z "$worst" ] || [ "$matched" -lt "${worst%%/*}" ]; then worst="$matched/$total"; p_id="$ident/$exch"; fi
done
p_wall=$(printf '%s\n' "${walls[@]}" | median)
p_rss=$(printf '%s\n' "${rsss[@]}" | median)
p_cpu=$(printf '%s\n' "${cpus[@]}" | median)
p_lab=$(printf '%s\n' "${labs[@]}" | median)

# a2. Memory with all 4,096 hosts in flight (the issue's RSS target), longer deadlines (see above).
sleep 1
saved=$concurrency concurrency=4096
scan wide "$wide_timeout" "${wide_limits[@]}"
truth wide
concurrency=$saved
w_wall=$wall w_rss=$rss w_cpu=$cpu w_lab=$labcpu w_m=$matched w_h=$total w_id="$ident/$exch"
echo "4,096 in flight: $w_wall s, $w_rss KB, $w_cpu s, lab $w_lab s, $w_m/$w_h"

# b. The active checks, once: correctness, and its time.
sleep 1
scan active "$active_timeout" --active
truth active -active
a_wall=$wall a_rss=$rss a_cpu=$cpu a_lab=$labcpu a_m=$matched a_h=$total a_id="$ident/$exch"
echo "active run: $a_wall s, $a_rss KB, $a_cpu s, lab $a_lab s, $a_m/$a_h"

# c. nmap with the same passive check, on the first NMAP_HOSTS addresses.
if [ "$nmap_hosts" -gt 0 ]; then
  sed 's#^[a-z]*://##; s#:[0-9]*$##' "$out/targets.txt" | head -n "$nmap_hosts" >"$out/nmap-targets.txt"
  sleep 1
  before=$(lab_cpu)
  /usr/bin/time -f "%e %M %U %S" -o "$out/time-nmap.txt" \
    nmap "${nmap_flags[@]}" -iL "$out/nmap-targets.txt" --script bench/exsweep-version.nse \
    -oX "$out/nmap.xml" -oN "$out/nmap.txt" >/dev/null 2>"$out/nmap.log" || { cat "$out/nmap.log" >&2; exit 2; }
  n_lab=$(secs $(($(lab_cpu) - before)))
  read -r n_wall n_rss n_cpu < <(tail -1 "$out/time-nmap.txt" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}')
  "$out/scantruth" -truth "$out/truth.jsonl" -nmap "$out/nmap.xml" | tee "$out/truth-nmap.txt"
  n_id=$(sed -n 's/.*right build \([0-9]*\/[0-9]*\).*/\1/p' "$out/truth-nmap.txt")
  n_status=$(sed -n 's/.*status as expected \([0-9]*\/[0-9]*\).*/\1/p' "$out/truth-nmap.txt")
  echo "nmap: $n_wall s, $n_rss KB, $n_cpu s, lab $n_lab s"
  n_rate=$(rate "$nmap_hosts" "$n_wall")
fi

# d. The table.
p_rate=$(rate "$hosts" "$p_wall")
echo
echo "| tool | hosts | wall (s) | hosts/s | peak RSS (MB) | tool CPU (s) | lab CPU (s) | Exchange hosts at the right build | verdicts matching truth |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| exsweep scan, passive (median of $runs), concurrency $concurrency | $hosts | $p_wall | $p_rate | $((p_rss / 1024)) | $p_cpu | $p_lab | $p_id | $worst (all hosts right in $ok_runs of $runs runs) |"
echo "| exsweep scan, passive, concurrency 4096, deadlines ${wide_limits[*]} --timeout $wide_timeout | $hosts | $w_wall | $(rate "$hosts" "$w_wall") | $((w_rss / 1024)) | $w_cpu | $w_lab | $w_id | $w_m/$w_h |"
echo "| exsweep scan --active | $hosts | $a_wall | $(rate "$hosts" "$a_wall") | $((a_rss / 1024)) | $a_cpu | $a_lab | $a_id | $a_m/$a_h |"
if [ "$nmap_hosts" -gt 0 ]; then
  echo "| nmap + exsweep-version.nse | $nmap_hosts | $n_wall | $n_rate | $((n_rss / 1024)) | $n_cpu | $n_lab | $n_id | status only: $n_status |"
  echo
  echo "exsweep passive / nmap: $(awk -v a="$p_rate" -v b="$n_rate" 'BEGIN{printf "%.1f", a / b}')x the hosts per second"
fi
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${KEEP:-0}" = 1 ] || rm -f "$out"/*.jsonl "$out"/nmap.xml "$out"/nmap.txt
if [ "$fail" != 0 ]; then
  echo "FAIL: scantruth found hosts whose answer differs from the truth (bench/out/scan/truth-*.txt)" >&2
  exit 1
fi
