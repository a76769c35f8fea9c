#!/usr/bin/env bash
# Generates the seed's users and orders and runs the transform example on them.
set -euo pipefail
USERS="${1:-100000}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SLUICE="${SLUICE:-$ROOT/.build/debug/sluice}"
OUT="${OUT:-$ROOT/demo-data/transform}"
mkdir -p "$OUT"
"$SLUICE" generate users-orders --users "$USERS" --seed 42 --output "$OUT"
cp "$HERE/steps.yaml" "$OUT/steps.yaml"
"$SLUICE" transform "$OUT/users.csv" "$OUT/user_analytics.csv" --steps "$OUT/steps.yaml"
"$SLUICE" head -n 5 "$OUT/user_analytics.csv"
