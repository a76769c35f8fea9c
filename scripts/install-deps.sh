#!/usr/bin/env bash
# Installs the system packages Sluice's build, tests, demo and benchmarks need.
# Idempotent: checks each package with `dpkg -s` and touches apt only when
# something is missing. Extend APT_PACKAGES as new work needs libraries
# (libsqlite3-dev, libpq-dev, postgresql, librdkafka-dev, ...).
set -euo pipefail

# Packages every checkout needs, one word each.
# pkg-config, libsqlite3-dev and libpq-dev: the CSQLite and CLibPQ system-library targets;
# librdkafka-dev: the CRdKafka system-library target (Kafka streams);
# postgresql: the throwaway server scripts/with-postgres.sh starts for `make test`;
# libsnappy-dev, libzstd-dev, liblz4-dev, zlib1g-dev: Parquet page compression;
# prometheus, prometheus-pushgateway, prometheus-alertmanager: the real servers the
# observability tests start on 127.0.0.1 (never as system services).
APT_PACKAGES="pkg-config libsqlite3-dev libpq-dev postgresql librdkafka-dev
 libsnappy-dev libzstd-dev liblz4-dev zlib1g-dev
 prometheus prometheus-pushgateway prometheus-alertmanager
 time"

# python3 -m venv is needed by bench/bench.py; pyenv's Python has it built in,
# Debian's python3 needs python3-venv.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    APT_PACKAGES="$APT_PACKAGES python3-venv"
fi

missing=()
for package in $APT_PACKAGES; do
    if ! dpkg -s "$package" >/dev/null 2>&1; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps: nothing to install (apt packages needed: ${APT_PACKAGES:-none}; python3 venv: ok)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
