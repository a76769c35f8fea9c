#!/usr/bin/env bash
# Builds the pipeline's source database: users and orders from `sluice generate`,
# loaded into data/source.db beside this script. Usage: generate-source.sh [USERS] [SLUICE]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
users="${1:-100000}"
sluice="${2:-sluice}"
mkdir -p "$here/data"
"$sluice" generate users-orders --users "$users" --seed 42 --output "$here/data"
"$sluice" load "$here/data/users.csv" --to "sqlite:$here/data/source.db" --table users --mode replace
"$sluice" load "$here/data/orders.csv" --to "sqlite:$here/data/source.db" --table orders --mode replace
