# Import keeps every version verbatim with its sha256: an identical
# re-import changes nothing, a changed document becomes a new version, and
# checks use the latest version.
source "$(dirname "$0")/lib.sh"
import_seeds
ndocs=$(find "$SRC/seeds" -name "*.yaml" | wc -l)
assert_eq "$ndocs" "$(rows documents)" "every seed document imported"
nprojects=$(find "$SRC/seeds/projects" -name "*.yaml" | wc -l)
assert_eq "$nprojects" "$(rows project_forms)" "every seed project stored with its compact form"
assert_eq "2" "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM project_calls WHERE project = 'centres-sociaux-connectes-2018'")" \
    "the calls a project applies to are listed"
run eligo import "$SRC/seeds"
assert_eq 0 "$RC" "re-import"
assert_contains "$OUT" "0 nouvelle(s) version(s) enregistrée(s)" "identical re-import writes nothing"
assert_eq "$ndocs" "$(rows documents)" "no new rows"

seed=$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml
sed -e 's/"80 820,00 €" }/"95 000,00 €" }/' -e 's/"569 180,00 €"/"555 000,00 €"/' "$seed" >"$WORK/v2.yaml"
run eligo import "$WORK/v2.yaml"
assert_contains "$OUT" "v2 nouvelle version" "changed project is version 2"
assert_eq 2 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM documents WHERE id = 'centres-sociaux-connectes-2018'")" \
    "both versions kept"
assert_eq 2 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM project_forms WHERE id = 'centres-sociaux-connectes-2018'")" \
    "each version has its form"
assert_eq "$(cat "$seed")" \
    "$(sqlite3 "$ELIGO_DB" "SELECT CAST(body AS TEXT) FROM documents WHERE id = 'centres-sociaux-connectes-2018' AND version = 1")" \
    "version 1 kept verbatim"
run eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 --format json
assert_eq ineligible "$(jqr .outcome)" "the latest version is checked"
assert_eq 2 "$(jqr .project_version)" "decision records the version"
assert_eq "$(sha256sum <"$WORK/v2.yaml" | cut -d' ' -f1)" "$(jqr .project_sha256)" "and its hash"

# The store refuses to rewrite history.
run sqlite3 "$ELIGO_DB" "DELETE FROM decisions"
assert_eq 1 "$(rows decisions)" "decisions cannot be deleted with SQL"
assert_contains "$ERR" "append-only" "trigger message"
run sqlite3 "$ELIGO_DB" "UPDATE decisions SET outcome = 'eligible'"
assert_eq ineligible "$(sqlite3 "$ELIGO_DB" 'SELECT outcome FROM decisions')" "decisions cannot be updated"

# ELIGO_DB and --db choose the store.
run eligo --db "$WORK/other.db" init
assert_eq 0 "$RC" "init another store"
assert_eq 0 "$(sqlite3 "$WORK/other.db" 'SELECT count(*) FROM documents')" "empty other store"
assert_eq wal "$(sqlite3 "$WORK/other.db" 'PRAGMA journal_mode')" "WAL mode"
finish
