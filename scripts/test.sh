#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds eligo four times and
# runs ctest in each build: every test in a normal build and in an
# AddressSanitizer + UndefinedBehaviorSanitizer build, then the unit tests and
# fuzz corpora in the builds packagers make (gcc Release at -O3, whose
# optimiser finds maybe-uninitialized paths that -O2 misses, and clang, whose
# warnings differ from gcc's). Every build compiles every target with -Werror.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The browser is for tests/cli/test_trace_export.sh (the HTML page rendered
# in headless Chromium); the bench tools (node, npm, GNU time) for
# bench/peers_smoke, which compares eligo's decisions with its peers'.
"$root/scripts/install-deps.sh" --with-browser --with-bench
jobs=$(nproc)
# The CLI scenarios take most of the time and do not depend on the compiler:
# the last two builds run only the tests that exercise the engine directly.
engine_tests='^(unit|fuzz)/'

echo "== build (RelWithDebInfo)"
"$root/scripts/build.sh" "$root/build"
echo "== tests"
ctest --test-dir "$root/build" --output-on-failure -j "$jobs"

echo "== build (ASan + UBSan)"
"$root/scripts/build.sh" "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DELIGO_SANITIZE=ON
echo "== tests under ASan + UBSan (native rules checked against Lua on every decision)"
ELIGO_NATIVE=check \
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j "$jobs"

echo "== build (Release, gcc -O3)"
"$root/scripts/build.sh" "$root/build-release" -DCMAKE_BUILD_TYPE=Release
echo "== unit tests (Release)"
ctest --test-dir "$root/build-release" --output-on-failure -j "$jobs" -R "$engine_tests"

echo "== build (clang, Release)"
CC=clang "$root/scripts/build.sh" "$root/build-clang" -DCMAKE_BUILD_TYPE=Release
echo "== unit tests (clang)"
ctest --test-dir "$root/build-clang" --output-on-failure -j "$jobs" -R "$engine_tests"
