#!/usr/bin/env bash
# The main job on the bundled seeds: installs what is missing, builds,
# creates a fresh store, imports seeds/ and checks the project "Centres
# sociaux connectés — phase 2" against its calls, printing the decision and
# its trace (with --facts: every fact each rule read and every figure it
# computed). The store is left in build/demo.db for `eligo trace show`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"
db="$root/build/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
eligo() { "$root/build/eligo" --db "$db" --rules "$root/rules" "$@"; }
eligo import "$root/seeds"
echo
set +e
eligo check centres-sociaux-connectes-2018 --facts
rc=$?
set -e
echo
echo "(exit code $rc; the store is $db: try  build/eligo --db $db trace show 1 --format json)"
exit $rc
