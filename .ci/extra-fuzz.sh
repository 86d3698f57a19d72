#!/usr/bin/env bash
# Runs every fuzz target of the module for a few seconds each (FUZZTIME, default 5s), so that CI keeps looking for
# inputs that crash a parser. A failure leaves the input in the package's testdata/fuzz/<target>/: commit it with the
# fix, and plain `go test` replays it from then on (see "Fuzzing" in the README). A target that fails without
# leaving an input is the fuzzing engine, not the code: Go 1.26's coordinator can report "context deadline exceeded"
# as the -fuzztime deadline passes while a worker is busy (golang/go#75804, fixed in Go 1.27), which a loaded machine
# makes likely. Such a target is run again, up to three runs in all, before it counts as failed.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-5s}"
start=$SECONDS
targets=0
fuzz() { go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" "$1"; }
inputs() { { ls "$1" 2>/dev/null || true; } | wc -l; }
while IFS=: read -r file rest; do
  name="${rest#func }"
  name="${name%%(*}"
  pkg="$(dirname "$file")"
  echo "-- $pkg $name"
  corpus="$pkg/testdata/fuzz/$name"
  before="$(inputs "$corpus")"
  for run in 1 2 3; do
    if fuzz "$pkg" "$name"; then break; fi
    if [ "$(inputs "$corpus")" != "$before" ]; then
      echo "$name found a failing input: see $corpus"; exit 1
    fi
    if [ "$run" = 3 ]; then echo "$name failed three runs in a row without a failing input"; exit 1; fi
    echo "$name failed without a failing input (run $run of 3); running it again"
  done
  targets=$((targets + 1))
done < <(grep -r --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*(f \*testing.F)' . | sort)
echo "fuzzed $targets targets for $fuzztime each in $((SECONDS - start))s"
