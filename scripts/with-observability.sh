#!/usr/bin/env bash
# Runs a command with throwaway Prometheus, Pushgateway and Alertmanager servers (Debian's
# packages), each on 127.0.0.1 on a free port with a temporary config and data directory,
# stopped and removed when the command ends (whatever its status).
#   scripts/with-observability.sh swift test
# Exports to the command:
#   SLUICE_TEST_PROMETHEUS_URL     http://127.0.0.1:PORT (HTTP API: /api/v1/query)
#   SLUICE_TEST_PROMETHEUS_TARGETS a file_sd JSON file Prometheus watches: tests write the
#                                  targets they start there (scraped every second)
#   SLUICE_TEST_PUSHGATEWAY_URL    http://127.0.0.1:PORT (also scraped by Prometheus)
#   SLUICE_TEST_ALERTMANAGER_URL   http://127.0.0.1:PORT (API: /api/v2/alerts)
#   SLUICE_TEST_PROMTOOL           the promtool binary
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: scripts/with-observability.sh COMMAND [ARG...]" >&2
    exit 2
fi
for tool in prometheus prometheus-pushgateway prometheus-alertmanager promtool; do
    command -v "$tool" >/dev/null || { echo "with-observability: $tool not found; install it (make deps)" >&2; exit 1; }
done

ROOT="$(mktemp -d /tmp/sluice-obs.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$ROOT"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() {   # url name log
    for _ in $(seq 1 200); do
        if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "with-observability: $2 did not start; its log:" >&2
    cat "$3" >&2
    exit 1
}

PUSH_PORT="$(free_port)"
prometheus-pushgateway --web.listen-address="127.0.0.1:$PUSH_PORT" >"$ROOT/pushgateway.log" 2>&1 &
PIDS+=($!)

AM_PORT="$(free_port)"
AM_CLUSTER_PORT="$(free_port)"
mkdir -p "$ROOT/alertmanager"
cat >"$ROOT/alertmanager.yml" <<YAML
route: { receiver: "null", group_wait: 1s, group_interval: 1s, repeat_interval: 1h }
receivers: [ { name: "null" } ]
YAML
prometheus-alertmanager --config.file="$ROOT/alertmanager.yml" --storage.path="$ROOT/alertmanager" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address="" >"$ROOT/alertmanager.log" 2>&1 &
PIDS+=($!)

PROM_PORT="$(free_port)"
mkdir -p "$ROOT/prometheus"
echo '[]' >"$ROOT/targets.json"
cat >"$ROOT/prometheus.yml" <<YAML
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: sluice
    file_sd_configs: [ { files: [ "$ROOT/targets.json" ], refresh_interval: 1s } ]
  - job_name: pushgateway
    honor_labels: true
    static_configs: [ { targets: [ "127.0.0.1:$PUSH_PORT" ] } ]
YAML
promtool check config "$ROOT/prometheus.yml" >/dev/null
prometheus --config.file="$ROOT/prometheus.yml" --storage.tsdb.path="$ROOT/prometheus" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$ROOT/prometheus.log" 2>&1 &
PIDS+=($!)

wait_ready "http://127.0.0.1:$PUSH_PORT/-/ready" Pushgateway "$ROOT/pushgateway.log"
wait_ready "http://127.0.0.1:$AM_PORT/-/ready" Alertmanager "$ROOT/alertmanager.log"
wait_ready "http://127.0.0.1:$PROM_PORT/-/ready" Prometheus "$ROOT/prometheus.log"

export SLUICE_TEST_PROMETHEUS_URL="http://127.0.0.1:$PROM_PORT"
export SLUICE_TEST_PROMETHEUS_TARGETS="$ROOT/targets.json"
export SLUICE_TEST_PUSHGATEWAY_URL="http://127.0.0.1:$PUSH_PORT"
export SLUICE_TEST_ALERTMANAGER_URL="http://127.0.0.1:$AM_PORT"
export SLUICE_TEST_PROMTOOL="$(command -v promtool)"
echo "with-observability: Prometheus $SLUICE_TEST_PROMETHEUS_URL, Pushgateway $SLUICE_TEST_PUSHGATEWAY_URL, Alertmanager $SLUICE_TEST_ALERTMANAGER_URL" >&2
status=0
"$@" || status=$?
exit "$status"
