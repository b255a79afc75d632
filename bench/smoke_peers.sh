#!/usr/bin/env bash
# ctest bench/peers_smoke: bench/run.sh on 200 projects must find every
# engine's decisions equal to eligo's, and must fail when one peer's rule is
# altered (R5's cap one cent lower in zen-engine: the projects exactly at
# the cap then differ), so that the comparison is known to compare.
# Skipped (exit 77) when node or npm is missing.
# Usage: bench/smoke_peers.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "SKIPPED: node and npm are missing (scripts/install-deps.sh --with-bench installs them)"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/eligo-peers-smoke-XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

if ! "$root/bench/run.sh" --build "$build" --work "$work" 200 >"$work/ok.out" 2>"$work/ok.err"; then
    cat "$work/ok.out" "$work/ok.err"
    fail "bench/run.sh 200 failed"
fi
cat "$work/ok.out"
for engine in "json-rules-engine 7.3.1 (trace on)" "zen-engine 0.54.0 (trace on)"; do
    grep -Eq "^  $(printf '%s' "$engine" | sed 's/[().]/\\&/g') .* equal$" "$work/ok.out" ||
        fail "no equal decisions for $engine"
done
grep -q "^every engine's decisions equal eligo's, project by project$" "$work/ok.out" ||
    fail "no final verdict"

if "$root/bench/run.sh" --build "$build" --work "$work" --alter zen-engine 200 \
    >"$work/alt.out" 2>"$work/alt.err"; then
    cat "$work/alt.out" "$work/alt.err"
    fail "bench/run.sh accepted zen-engine with R5 altered"
fi
# Projects exactly at the cap: R5 fails only in the altered peer.
grep -q "DECISIONS DIFFER: zen-engine disagrees with eligo on [1-9][0-9]* of 200 projects" \
    "$work/alt.err" || { cat "$work/alt.err"; fail "the difference is not reported"; }
grep -Eq '^> bench-[0-9]+ ineligible ([R0-9,]*,)?R5(,|$)' "$work/alt.err" ||
    fail "the differing decisions do not show R5"
grep -Eq "^  zen-engine .*R5 ALTERED .* DIFFER \([0-9]+\)$" "$work/alt.out" ||
    fail "the table does not mark zen-engine's decisions as differing"
grep -Eq "^  json-rules-engine .* equal$" "$work/alt.out" ||
    fail "the unaltered peer is not equal any more"
echo "PASS: equal decisions found equal, an altered rule found and reported"
