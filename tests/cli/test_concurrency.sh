# Concurrent use loses nothing (issue 9). Several eligo processes on one
# store at once: imports of different document sets (sharing the seed
# financers and calls), then an import, two series of checks of different
# projects and a reader listing and showing decisions. Each succeeds: a writer that finds the store busy waits
# (the store's busy timeout) and then goes on; "database is locked" is a
# defect. Afterwards every document and decision expected is there exactly
# once, and the store passes PRAGMA integrity_check.
source "$(dirname "$0")/lib.sh"

N=600 # projects per set; importing one set takes about 0.15 s here
seed=$(<"$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml")
old_id=$'\nid: centres-sociaux-connectes-2018\n'
NCALLS=$(grep -c '^  - { call: ' "$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml")
assert_eq 2 "$NCALLS" "test setup: the seed project applies to two calls"

# document_set PREFIX: $WORK/PREFIX holding the seed financers and calls and
# the seed project under N ids PREFIX0001...
document_set() {
    mkdir -p "$WORK/$1"
    cp "$SRC"/seeds/financers/*.yaml "$SRC"/seeds/calls/*.yaml "$WORK/$1/"
    local i p
    for ((i = 1; i <= N; i++)); do
        printf -v p '%s%04d' "$1" "$i"
        printf '%s\n' "${seed/"$old_id"/$'\n'id: $p$'\n'}" >"$WORK/$1/$p.yaml"
    done
}
for set in a b c d; do document_set $set; done
now_us() { local t=$EPOCHREALTIME; echo "${t//[.,]/}"; }
since() { local us=$(($(now_us) - $1)); printf '%d.%03d' $((us / 1000000)) $((us % 1000000 / 1000)); }
SHARED=$(ls "$SRC"/seeds/financers/*.yaml "$SRC"/seeds/calls/*.yaml | wc -l)

# started NAME CMD...: runs CMD in the background, keeping its output in
# $WORK/NAME.out and .err and its exit status in $WORK/NAME.rc.
started() {
    local name=$1
    shift
    ("$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    echo $? >"$WORK/$name.rc") &
}

# succeeded NAME WHAT: the process NAME exited 0, and never met a locked store.
succeeded() {
    local err
    err=$(<"$WORK/$1.err")
    assert_eq 0 "$(<"$WORK/$1.rc")" "$2: exit code ($err)"
    assert_not_contains "$err" "locked" "$2: DEFECT, a writer gave up on a busy store"
}

# ---- three imports at once ------------------------------------------------
# The store is created first: processes racing to create it is a known
# defect of its own (test_concurrency_fresh_store.sh).
run eligo init
assert_eq 0 "$RC" "creating the store ($ERR)"
t0=$(now_us)
started import-a "$ELIGO_BIN" import "$WORK/a"
started import-b "$ELIGO_BIN" import "$WORK/b"
started import-c "$ELIGO_BIN" import "$WORK/c"
wait
echo "three imports at once: $(since "$t0") s"
for set in a b c; do succeeded import-$set "importing set $set alongside two others"; done
assert_eq ok "$(sqlite3 "$ELIGO_DB" 'PRAGMA integrity_check')" "integrity_check after the imports"
assert_eq "$((SHARED + 3 * N)) documents, $((SHARED + 3 * N)) ids, 0 later versions, $((3 * N)) forms, $((3 * N * NCALLS)) listings" \
    "$(sqlite3 "$ELIGO_DB" "SELECT (SELECT count(*) FROM documents) || ' documents, '
        || (SELECT count(DISTINCT kind || '/' || id) FROM documents) || ' ids, '
        || (SELECT count(*) FROM documents WHERE version <> 1) || ' later versions, '
        || (SELECT count(*) FROM project_forms) || ' forms, '
        || (SELECT count(*) FROM project_calls) || ' listings'")" \
    "every document of the three sets stored exactly once"
# The shared financers and calls are new to exactly one of the imports.
created=0
for set in a b c; do
    line=$(tail -n 1 "$WORK/import-$set.out")
    assert_contains "$line" "$((SHARED + N)) document(s) lu(s)" "set $set: every document read"
    n=${line#*lu(s), }
    created=$((created + ${n%% nouvelle*}))
done
assert_eq $((SHARED + 3 * N)) "$created" "each document reported new by one import only"

# ---- an import, two series of checks and a reader at once ----------------
CHECKS_PER_SERIES=15
series() { # PREFIX: checks PREFIX0001... one after the other
    local i p rc
    for ((i = 1; i <= CHECKS_PER_SERIES; i++)); do
        printf -v p '%s%04d' "$1" "$i"
        "$ELIGO_BIN" check "$p" --format json >/dev/null
        rc=$?
        [[ $rc == 0 ]] || echo "check $p: exit $rc" >&2
    done
}
# reader: lists the decisions and shows the latest one, over and over: it
# must never see half of a check (its two decisions are one transaction).
reader() {
    local round id
    for ((round = 1; round <= 25; round++)); do
        "$ELIGO_BIN" trace list --format json >"$WORK/list.json" || echo "trace list: exit $?" >&2
        jq -se 'group_by(.project) | map(length) | all(. == 2)' "$WORK/list.json" >/dev/null ||
            echo "trace list round $round: a check seen in part: $(jq -sc 'group_by(.project) | map({(.[0].project): length}) | add' "$WORK/list.json")" >&2
        id=$(jq -sr 'last | .decision_id // empty' "$WORK/list.json")
        if [[ -n $id ]]; then
            [[ $("$ELIGO_BIN" trace show "$id" --format json | jq -r .decision_id) == "$id" ]] ||
                echo "trace show $id: not shown" >&2
        fi
    done
}
t0=$(now_us)
started import-d "$ELIGO_BIN" import --quiet "$WORK/d"
started checks-a series a
started checks-b series b
started reader reader
wait
echo "an import, two series of $CHECKS_PER_SERIES checks and a reader at once: $(since "$t0") s"
succeeded import-d "importing set d alongside checks and a reader"
for set in a b; do
    succeeded checks-$set "checks of set $set alongside an import, checks and a reader"
    assert_eq "" "$(<"$WORK/checks-$set.err")" "checks of set $set: every check eligible"
done
succeeded reader "the reader alongside an import and checks"
assert_eq "" "$(<"$WORK/reader.err")" "the reader saw every check whole"

assert_eq ok "$(sqlite3 "$ELIGO_DB" 'PRAGMA integrity_check')" "integrity_check at the end"
assert_eq "" "$(sqlite3 "$ELIGO_DB" 'PRAGMA foreign_key_check')" "foreign_key_check at the end"
assert_eq "$((SHARED + 4 * N)) $((4 * N))" \
    "$(sqlite3 "$ELIGO_DB" "SELECT count(*) || ' ' || (SELECT count(*) FROM project_forms) FROM documents")" \
    "set d stored as well"
assert_eq "$((2 * CHECKS_PER_SERIES * NCALLS)) $((2 * CHECKS_PER_SERIES * NCALLS)) $((2 * CHECKS_PER_SERIES))" \
    "$(sqlite3 "$ELIGO_DB" "SELECT count(*) || ' ' || count(DISTINCT project || '/' || call) || ' '
        || count(DISTINCT project) FROM decisions")" \
    "every check's decisions, each exactly once"
assert_eq "" "$(sqlite3 "$ELIGO_DB" "SELECT project FROM decisions
    WHERE project NOT GLOB '[ab]00[01][0-9]' OR CAST(substr(project, 2) AS INTEGER) > $CHECKS_PER_SERIES")" \
    "only the projects checked are decided"
finish
