#!/usr/bin/env bash
# Installs the npm test tools of package-lock.json (Ajv, ajv-formats, yaml) into
# tests/tools/node_modules, once: again only when the lockfile changes. Called by
# tests/cli/test_schemas.sh; needs node and npm (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.eligo-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
    exit 0
fi
command -v npm >/dev/null || { echo "tests/tools: npm is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error >&2
echo "$want" >"$stamp"
