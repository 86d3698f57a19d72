#!/usr/bin/env bash
# Runs every fuzz target of the module for a few seconds each (FUZZTIME, default 5s), so that CI keeps looking for
# inputs that crash a parser. A failure leaves the input in the package's testdata/fuzz/<target>/: commit it with the
# fix, and plain `go test` replays it from then on (see "Fuzzing" in the README).
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-5s}"
start=$SECONDS
targets=0
while IFS=: read -r file rest; do
  name="${rest#func }"
  name="${name%%(*}"
  pkg="$(dirname "$file")"
  echo "-- $pkg $name"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"
  targets=$((targets + 1))
done < <(grep -r --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*(f \*testing.F)' . | sort)
echo "fuzzed $targets targets for $fuzztime each in $((SECONDS - start))s"
