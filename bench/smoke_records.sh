#!/usr/bin/env bash
# ctest bench/records_smoke: eligo_bench_records on the store of a batch of
# 300 synthetic projects (bench/gen.c) prints the stored records' sizes and
# a row for every dictionary and frame size it tries; on a store without
# compressed records it fails with a message. It asserts that the probe
# runs and reads what the batch stored, never how fast.
# Usage: bench/smoke_records.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/eligo-records-smoke-XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

"$build/bench/eligo_bench_gen" "$work" 300 >/dev/null
"$build/eligo" --db "$work/s.db" --rules "$work/rules" import "$work/docs" >/dev/null
"$build/bench/eligo_bench_records" "$work/s.db" >"$work/none.out" 2>"$work/none.err" &&
    fail "a store without decisions was read"
grep -q "no record dictionary" "$work/none.err" || { cat "$work/none.err"; fail "no message"; }

"$build/eligo" --db "$work/s.db" --rules "$work/rules" batch bench-reference --jobs 1 >/dev/null
"$build/bench/eligo_bench_records" "$work/s.db" >"$work/out" || { cat "$work/out"; fail "probe failed"; }
cat "$work/out"
# The batch's first 64 records are kept as JSON (docs/trace.md): the other
# 236 are compressed with the dictionary.
grep -Eq '^236 records: [0-9]+ bytes each, [0-9.]+ as stored \(dictionary [0-9]+ bytes, level -3\)$' \
    "$work/out" || fail "not the batch's 236 compressed records"
[[ $(grep -c "^  trained on " "$work/out") -ge 4 ]] || fail "fewer than 4 dictionaries"
[[ $(grep -Ec '^ +[0-9]+ a frame: +[0-9.]+ bytes' "$work/out") -eq 4 ]] || fail "not 4 frame sizes"
echo "PASS: the stored records read back and compressed again"
