#!/usr/bin/env bash
# Sets everything up, then checks the shipped Dordrecht 2026-2027 rule set over the shipped
# example exports and prints the report. The fixture is built to show every status, breaches
# included, so toets exits 1 ("something is breached"); the demo counts that as success and fails
# only when toets says the input is wrong (2).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
command=(build/toets check rules/dordrecht-2026-2027.toets
         --data allocations=fixtures/dordrecht-2026-2027/allocations.csv
         --data stock=fixtures/dordrecht-2026-2027/stock.csv
         --data mutations=fixtures/dordrecht-2026-2027/mutations.csv
         --as-of 2026-11-23)
echo "\$ ${command[*]}" >&2
status=0
"${command[@]}" || status=$?
echo "toets exited with $status (0: nothing breached, 1: something breached, 2: wrong input)" >&2
[ "$status" -le 1 ]
