#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds eligo twice (a
# normal build and an AddressSanitizer + UndefinedBehaviorSanitizer build)
# and runs every ctest test in both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The browser is for tests/cli/test_trace_export.sh (the HTML page rendered
# in headless Chromium).
"$root/scripts/install-deps.sh" --with-browser
jobs=$(nproc)

echo "== build (RelWithDebInfo)"
"$root/scripts/build.sh" "$root/build"
echo "== tests"
ctest --test-dir "$root/build" --output-on-failure -j "$jobs"

echo "== build (ASan + UBSan)"
"$root/scripts/build.sh" "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DELIGO_SANITIZE=ON
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j "$jobs"
