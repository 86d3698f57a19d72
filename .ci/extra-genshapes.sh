#!/usr/bin/env bash
# internal/asl/internal/genshapes is a module of its own (so that the main module does not require the AWS SDK's
# service modules whose response shapes it reads): ./... in the root does not reach it. Check it here, with the
# test that fails while internal/asl/responseshapes.json.gz differs from what it would generate.
set -euo pipefail
cd "$(dirname "$0")/../internal/asl/internal/genshapes"
go mod tidy -diff
go vet ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -checks all ./...
go test ./...
