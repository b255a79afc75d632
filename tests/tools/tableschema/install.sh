#!/usr/bin/env bash
# Installs the Table Schema validator the SCDL tests use (the tableschema
# package, at the version package-lock.json pins) into node_modules here, once:
# does nothing when it is there already. Needs node and npm (the nodejs
# package); prints why and fails otherwise, so a test that needs it fails
# rather than skips.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ -f $here/node_modules/tableschema/package.json ]]; then
    exit 0
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "tableschema: node and npm are needed to validate SCDL output (install nodejs)" >&2
    exit 1
fi
# Two tests may ask at once: one installs, the other waits for it.
exec 9>"$here/.install.lock"
flock 9
if [[ ! -f $here/node_modules/tableschema/package.json ]]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
