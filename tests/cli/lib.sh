# Shared helpers for the CLI tests: a private store and rules copy per test,
# and assertions that print what was expected and what came.
set -uo pipefail
: "${ELIGO_BIN:?ELIGO_BIN must point at the eligo program}"
: "${ELIGO_SOURCE_DIR:?ELIGO_SOURCE_DIR must point at the source tree}"
SRC=$ELIGO_SOURCE_DIR
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# ELIGO_TEST_DB keeps the store elsewhere (test_trace_replay_all.sh replays
# every decision the other scenarios stored).
export ELIGO_DB=${ELIGO_TEST_DB:-$WORK/test.db}
export ELIGO_RULES=$SRC/rules
FAILURES=0
CHECKS=0

eligo() { "$ELIGO_BIN" "$@"; }

# run CMD...: runs CMD, keeping stdout in $OUT, stderr in $ERR, status in $RC.
run() {
    "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    [[ $1 == eligo ]] && said "$@"
}

# What eligo says to a person (its text output and its errors, not the JSON,
# CSV or HTML data of the documented contract) is kept, and finish fails
# when it holds an English sentence: every message a user reads is French
# (README "Language").
said() {
    local a data=0
    for a in "$@"; do
        case $a in --html | --format=json | --format=csv | json | csv | --csv) data=1 ;; esac
    done
    if ((data == 0)); then
        grep -av '^[[:space:]]*[[{"]' "$WORK/out" >>"$WORK/said"
    fi
    cat "$WORK/err" >>"$WORK/said"
}

# Phrases of the English messages eligo, its libraries and Lua would print
# (never in French text; ids, paths and JSON keys are not phrases).
ENGLISH='attempt to|No such file|[Cc]annot |[Uu]nable to|is not a|not found|Permission denied|database is locked|exceeded|expected|must be|while scanning|while parsing|Is a directory|[Oo]ut of memory|failed:|[Ii]nvalid |should be| near '

english_check() {
    CHECKS=$((CHECKS + 1))
    [[ -f $WORK/said ]] || return 0
    local hits
    hits=$(grep -aE "$ENGLISH" "$WORK/said" | grep -avE "${ENGLISH_ALLOWED:-^\$}" | head -5)
    [[ -z $hits ]] || fail "English reached the user's screen: $hits"
}

fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
}

assert_eq() { # expected actual what
    CHECKS=$((CHECKS + 1))
    [[ "$1" == "$2" ]] || fail "$3: expected [$1], got [$2]"
}

assert_contains() { # haystack needle what
    CHECKS=$((CHECKS + 1))
    [[ "$1" == *"$2"* ]] || fail "$3: [$2] not found in: $1"
}

assert_not_contains() { # haystack needle what
    CHECKS=$((CHECKS + 1))
    [[ "$1" != *"$2"* ]] || fail "$3: [$2] unexpectedly found in: $1"
}

# jqr FILTER: applies a jq filter to $OUT (raw output).
jqr() { jq -r "$1" <<<"$OUT"; }

# count of rows in a table of the test store
rows() { sqlite3 "$ELIGO_DB" "SELECT count(*) FROM $1"; }

import_seeds() {
    run eligo import "$SRC/seeds"
    assert_eq 0 "$RC" "importing seeds ($ERR)"
}

# equipment_variant FILE: writes the seed project with its equipment line at
# 95 000 € and its services line lowered by 14 180 € (totals unchanged), as
# project csc-materiel-95000, and imports it.
equipment_variant() {
    sed -e 's/"80 820,00 €" }/"95 000,00 €" }/' -e 's/"569 180,00 €"/"555 000,00 €"/' \
        -e 's/^id: centres-sociaux-connectes-2018/id: csc-materiel-95000/' \
        "$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml" >"$1"
    run eligo import "$1"
    assert_eq 0 "$RC" "import the equipment variant ($ERR)"
}

# Whether without_source hides the source tree here.
can_hide_source() { unshare -rm true 2>/dev/null; }

# without_source SCRIPT [ARG...]: runs `bash SCRIPT ARG...` with the source
# tree hidden (an empty tmpfs over $SRC in a private mount namespace) where
# the system allows one, and says so where it does not; WORK and SRC must be
# exported for the script.
without_source() {
    if can_hide_source; then
        unshare -rm bash -c 'mount -t tmpfs none "$SRC" && exec bash "$@"' _ "$@"
    else
        echo "note: no mount namespace here: the source tree stays visible"
        bash "$@"
    fi
}

finish() {
    english_check
    echo "$CHECKS checks, $FAILURES failed"
    [[ $FAILURES -eq 0 ]]
    exit $?
}

# rule_call_fixture CALL_ID: a private rules directory (the real library,
# no call) exported as ELIGO_RULES, a call CALL_ID whose rule file is
# $RULES/calls/CALL_ID.lua (the caller writes it), and a one-line project
# "p" applying to it, imported with the seed financers.
rule_call_fixture() {
    local call=$1
    RULES=$WORK/rules
    mkdir -p "$RULES/calls"
    cp -r "$SRC/rules/lib" "$RULES/lib"
    export ELIGO_RULES=$RULES
    cat >"$WORK/call.yaml" <<YAML
kind: call
id: $call
title: Appel de test
financer: MEL
basis: test
rules: calls/$call.lua
YAML
    cat >"$WORK/project.yaml" <<YAML
kind: project
id: p
title: Projet de test
applicants: [{ name: Asso, status: association }]
period: { start: 2020-01-01, end: 2020-12-31 }
expenses: [{ category: equipment, label: PC, amount: 500 }]
resources: [{ financer: MEL, amount: 500 }]
applies_to: [{ call: $call, requested: 500 }]
YAML
    run eligo import "$SRC/seeds/financers" "$WORK/call.yaml" "$WORK/project.yaml"
    assert_eq 0 "$RC" "importing the test call and project ($ERR)"
}

# console_block GUIDE START BLOCK DIR [FILTER]: the "$ cmd" lines of a guide's console block
# (the file BLOCK, which starts at line START of GUIDE) run in DIR, each in its turn; the lines
# after a command are its exact output (stdout and stderr), both sides passed through the
# command FILTER (default cat) before they are compared. ELIGO_DOCS_SHOW=1 prints what each
# command gives, to update the guide. Counts the commands run in CONSOLE_COMMANDS.
CONSOLE_COMMANDS=0
console_block() {
    local guide=$1 start=$2 block=$3 dir=$4 filter=${5:-cat}
    local cmd="" expected="" cmdline=0 n=0 l
    console_cmd() {
        [[ -n $cmd ]] || return 0
        local actual
        actual=$(cd "$dir" && eval "$cmd" 2>&1)
        [[ -z ${ELIGO_DOCS_SHOW:-} ]] || printf '%s\n$ %s\n%s\n' "--- $guide:$cmdline" "$cmd" "$actual"
        assert_eq "$($filter <<<"$expected")" "$($filter <<<"$actual")" "$guide:$cmdline: \`$cmd\`"
        CONSOLE_COMMANDS=$((CONSOLE_COMMANDS + 1))
    }
    while IFS= read -r l; do
        n=$((n + 1))
        if [[ $l == '$ '* ]]; then
            console_cmd
            cmd=${l#\$ }
            expected=""
            cmdline=$((start + n))
        elif [[ -z $expected ]]; then
            expected=$l
        else
            expected+=$'\n'$l
        fi
    done <"$block"
    console_cmd
}
