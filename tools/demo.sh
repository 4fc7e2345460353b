#!/usr/bin/env bash
# Sets everything up, then checks the shipped Dordrecht 2026-2027 rule set over the shipped
# example exports and prints the report. Exit status is toets's own: 1 means a rule is breached,
# which the example data is built to show.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
set -x
build/toets check rules/dordrecht-2026-2027.toets \
  --data allocations=fixtures/demo/allocations.csv \
  --data stock=fixtures/demo/stock.csv \
  --as-of 2026-11-23
