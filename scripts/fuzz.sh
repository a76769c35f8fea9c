#!/usr/bin/env bash
# libFuzzer over Sluice's readers of untrusted bytes (`make fuzz`, not part of `make test`).
# Builds Fuzz/ (a separate package: every Swift module instrumented with -sanitize=fuzzer)
# and runs each target for FUZZ_SECONDS over a scratch copy of its committed seed corpus.
# New interesting inputs stay in .build-fuzz/<target>/corpus; a crash is saved as
# .build-fuzz/<target>/crash-* and stops the run (exit 1): turn it into a product fix and
# add the input to the seed corpus the fuzz tests read.
#   FUZZ_SECONDS=60 FUZZ_TARGETS="csv jsonl" bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${FUZZ_SECONDS:-30}"
TARGETS="${FUZZ_TARGETS:-csv jsonl sluice parquet record pipeline suite stream transform expression cron}"
SWIFT="${SWIFT:-swift}"

$SWIFT build --package-path Fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
BIN="$($SWIFT build --package-path Fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library --show-bin-path)/sluice-fuzz"

seeds() {   # the committed seed corpus of a target: files, or a text file with one seed per line
    case "$1" in
        csv) echo "file Tests/SluiceFormatsTests/Fixtures/tricky.csv" ;;
        jsonl) echo "dir Tests/SluiceFormatsTests/Fixtures/jsonl-corpus"; echo "file Tests/SluiceFormatsTests/Fixtures/events.jsonl" ;;
        sluice) echo "dir Tests/SluiceFormatsTests/Fixtures/sluice-corpus" ;;
        parquet) echo "dir Tests/SluiceFormatsTests/Fixtures/parquet-corpus" ;;
        record) echo "dir Tests/SluiceStreamTests/Fixtures/record-corpus" ;;
        pipeline|suite|stream) echo "dir Tests/SluiceSpecKindTests/Fixtures/fuzz/$1" ;;
        transform) echo "dir Tests/SluiceSpecKindTests/Fixtures/fuzz/steps" ;;
        expression) echo "lines Tests/SluiceSpecKindTests/Fixtures/fuzz/expressions.txt" ;;
        cron) echo "lines Tests/SluiceSpecKindTests/Fixtures/fuzz/cron.txt" ;;
    esac
}

status=0
for target in $TARGETS; do
    work=".build-fuzz/$target"
    mkdir -p "$work/corpus" "$work/seeds"
    while read -r kind path; do
        case "$kind" in
            file) cp "$path" "$work/seeds/" ;;
            dir) cp "$path"/* "$work/seeds/" ;;
            lines) n=0; while IFS= read -r line; do n=$((n + 1)); printf '%s' "$line" > "$work/seeds/line-$n"; done < "$path" ;;
        esac
    done < <(seeds "$target")
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s ($(ls "$work/seeds" | wc -l) seeds)"
    if ! SLUICE_FUZZ_TARGET="$target" "$BIN" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=2048 \
            -timeout=10 -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "$work/seeds" 2> "$work/log.txt"; then
        echo "fuzz: $target FOUND A PROBLEM: $(ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -1) (log: $work/log.txt)"
        status=1
    else
        echo "fuzz: $target ok: $(grep -a 'stat::number_of_executed_units' "$work/log.txt" | awk '{print $2}') inputs"
    fi
done
exit $status
