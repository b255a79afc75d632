#!/usr/bin/env bash
# Fuzzes the document reader, the money parsers and the SCDL / CERFA readers with clang's libFuzzer
# (and ASan + UBSan) for SECONDS each (default 60), starting from the test
# corpora. New crashing inputs are written to build-fuzz/; copy a fixed one
# into tests/fuzz/corpus/doc or tests/fuzz/corpus/money as a regression case.
# Needs clang and libclang-rt-14-dev (Debian 12): not part of the test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
dir=$root/build-fuzz
CC=clang cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DELIGO_SANITIZE=ON -DELIGO_FUZZ=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target fuzz_doc fuzz_money fuzz_scdl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/doc" "$work/money" "$work/scdl"
i=0
while IFS= read -r f; do
    cp "$f" "$work/doc/$((i++))"
done < <(find "$root/tests/data/docs" "$root/seeds" "$root/tests/fuzz/corpus/doc" -type f)
cp "$root"/tests/fuzz/corpus/money/* "$work/money/"
cp "$root"/tests/data/scdl/*.csv "$root"/tests/data/cerfa/*.csv "$root"/tests/fuzz/corpus/scdl/* "$work/scdl/"
cd "$dir"
./tests/fuzz_doc -max_total_time="$seconds" -max_len=8192 "$work/doc"
./tests/fuzz_money -max_total_time="$seconds" -max_len=64 "$work/money"
./tests/fuzz_scdl -max_total_time="$seconds" -max_len=8192 "$work/scdl"
