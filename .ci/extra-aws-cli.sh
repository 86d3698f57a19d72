#!/usr/bin/env bash
# Runs scripts/check-aws-cli.sh (the embedded endpoint driven by the AWS CLI) where the aws command exists.
# .ci/run runs every .ci/extra-*.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v aws >/dev/null 2>&1; then
  echo "extra-aws-cli: skip: the aws command is not on PATH (install the AWS CLI to run scripts/check-aws-cli.sh)"
  exit 0
fi
exec bash scripts/check-aws-cli.sh
