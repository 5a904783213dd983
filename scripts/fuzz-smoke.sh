#!/usr/bin/env bash
# Runs every fuzz target in the module briefly (default 30,000 executions each). A count, not a
# duration: with a duration, Go 1.26's fuzz coordinator can fail a target with a bare "context
# deadline exceeded" at the end of the window (golang/go#75804, fixed in Go 1.27). The seed corpora in
# each package's testdata/fuzz/ always run as part of `go test`; this adds fresh inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
time="${1:-30000x}"
status=0
count=0
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    echo "fuzz $pkg $target ($time)"
    count=$((count + 1))
    log="/tmp/fuzz-$(echo "$pkg" | tr '/.' '__')-$target.log" # two packages may name a target alike
    if ! go test -run='^$' -fuzz="^${target}\$" -fuzztime="$time" -fuzzminimizetime=5s "$pkg" >"$log" 2>&1; then
      echo "FAILED: $pkg $target"; tail -30 "$log"; status=1
    fi
  done
done < <(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | sort)
if [ "$count" -eq 0 ]; then
  echo "no fuzz target found: the smoke would check nothing"; exit 1
fi
echo "$count fuzz targets ran"
exit $status
