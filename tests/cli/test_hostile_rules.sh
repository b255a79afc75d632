# The hostile corpus: every file of tests/hostile/rules/ is, in turn, the
# rule file of a test call, and `eligo check` must end the way
# tests/hostile/manifest.txt says (exit code, status of each rule, a
# fragment of the first rule's message, its file:line), within a wall-clock
# bound, with a decision within the output limit, without raw terminal
# controls in text output, reproducible by replay, and without touching
# anything else: the witness call evaluated right after in the same process
# (the project applies to both calls, the hostile one first) and a second
# project checked afterwards in the same store get the decisions they get
# alone. The text of `trace show --facts` for every file, and of `check
# --facts` itself for term_* files, holds no raw terminal control. Files
# named state_* are also evaluated for two projects in a row in one process
# (`eligo test`, which decides every case in the same sandbox), and each
# result must be the one its project gets alone.
source "$(dirname "$0")/lib.sh"
# test_trace_replay_all.sh runs every scenario again to replay its
# decisions: this one replays its own. Under AddressSanitizer every run is
# several times slower, so the wall-clock bounds and the --max-time limit
# would measure the sanitizer, not the engine: the corpus runs in the
# normal build (the sanitizer build runs every other test).
if [[ -n ${ELIGO_TEST_DB:-} ]]; then
    echo "skipped under test_trace_replay_all: every decision is replayed below"
    finish
fi
if [[ -n ${ASAN_OPTIONS:-} ]]; then
    echo "skipped under AddressSanitizer: the time bounds are for the normal build"
    finish
fi
TEST_START=${EPOCHREALTIME/[.,]/}
HOSTILE=$SRC/tests/hostile
LIMITS=(--max-time 2000 --max-instructions 20000000 --max-memory 32 --max-output 64)
BOUND_MS=10000       # wall-clock bound of one `eligo check`
KILL_S=11            # a run still going then is killed (it has failed the bound)
MAX_DECISION=$((16 * 64 * 1024 + 16 * 1024)) # 16 x --max-output, and the decision's own fields

# run, as lib.sh's, without a process to read what came (about 700 runs here).
run() {
    "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(<"$WORK/out")
    ERR=$(<"$WORK/err")
}

now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
}

# The fixture: the real rule library, a call "hostile" whose rule file each
# corpus file becomes, the witness call, projects p and p2 applying to both,
# and q applying to the witness only.
RULES=$WORK/rules
mkdir -p "$RULES/calls"
cp -r "$SRC/rules/lib" "$RULES/lib"
cp "$HOSTILE/witness.lua" "$RULES/calls/witness.lua"
export ELIGO_RULES=$RULES
for call in hostile witness; do
    cat >"$WORK/call-$call.yaml" <<YAML
kind: call
id: $call
title: Appel $call
financer: MEL
basis: test
rules: calls/$call.lua
YAML
done
project() { # ID TITLE EQUIPMENT SERVICES CALLS...
    local id=$1 title=$2 equipment=$3 services=$4
    shift 4
    local applies="" c
    for c in "$@"; do applies+="${applies:+, }{ call: $c, requested: 300 }"; done
    cat >"$WORK/project-$id.yaml" <<YAML
kind: project
id: $id
title: $title
applicants: [{ name: Asso $id, status: association }]
period: { start: 2020-01-01, end: 2020-12-31 }
expenses: [{ category: equipment, label: PC, amount: $equipment }, { category: services, label: Atelier, amount: $services }]
resources: [{ financer: MEL, amount: $((equipment + services)) }]
applies_to: [$applies]
YAML
}
project p "Projet de test" 500 0 hostile witness
project p2 "Second projet" 700 150 hostile witness
project q "Projet témoin" 900 100 witness
run eligo import "$SRC/seeds/financers" "$WORK"/call-*.yaml "$WORK"/project-*.yaml
assert_eq 0 "$RC" "importing the fixture ($ERR)"
cat >"$WORK/two-projects.yaml" <<YAML
call: hostile
documents: [$SRC/seeds/financers, $WORK/call-hostile.yaml, $WORK/call-witness.yaml, $WORK/project-p.yaml, $WORK/project-p2.yaml]
cases:
  - name: "p"
    project: p
    expect: { outcome: eligible }
  - name: "p2, right after p"
    project: p2
    expect: { outcome: eligible }
YAML

# A decision without what changes from one evaluation to the next.
normal() {
    jq -cS 'del(.decision_id, .created_at, .limits)
            | if .rules then .rules |= map(del(.duration_us)) else . end'
}
# What `eligo test` and `eligo check` both say of each rule.
RULES_OF='[.rules[] | {id, status, message, error_at}]'

# The witness decisions alone, before any hostile file ran.
printf 'rule { id = "calme", title = "Rien", check = function(p) return pass("calme") end }\n' \
    >"$RULES/calls/hostile.lua"
run eligo "${LIMITS[@]}" check p --call witness --format json
assert_eq 0 "$RC" "the witness alone for p ($ERR)"
BASE_P=$(normal <<<"$OUT")
run eligo "${LIMITS[@]}" check q --format json
assert_eq 0 "$RC" "the witness alone for q ($ERR)"
BASE_Q=$(normal <<<"$OUT")
assert_eq eligible "$(jq -r .outcome <<<"$BASE_Q")" "the witness decides q eligible"

# contains_any TEXT "A || B": TEXT contains A or B.
contains_any() {
    local text=$1 rest=$2 alt
    while [[ -n $rest ]]; do
        alt=${rest%% || *}
        [[ $text == *"$alt"* ]] && return 0
        [[ $rest == *" || "* ]] || break
        rest=${rest#* || }
    done
    return 1
}

# no_raw_controls TEXT WHAT: no ESC, BEL, C1 CSI (U+009B or a lone 0x9B) or
# bidirectional override in text meant for a terminal.
no_raw_controls() {
    assert_not_contains "$1" $'\e' "$2: no raw ESC"
    assert_not_contains "$1" $'\a' "$2: no raw BEL"
    assert_not_contains "$1" $'\xc2\x9b' "$2: no raw U+009B (CSI)"
    assert_not_contains "$1" $' \x9b alone' "$2: no raw 0x9B byte"
    assert_not_contains "$1" $'\xe2\x80\xae' "$2: no raw U+202E (bidi override)"
}

# check_file FILE EXIT STATUSES LINE OPTIONS FRAGMENT: one manifest line.
check_file() {
    local file=$1 want_exit=$2 statuses=$3 line=$4 options=$5 fragment=$6
    local what="${file%.lua}" extra=()
    [[ $options != - ]] && IFS=, read -r -a extra <<<"$options"
    cp "$HOSTILE/rules/$file" "$RULES/calls/hostile.lua"
    local t0 ms
    t0=$(now_ms)
    run timeout -k 2 "$KILL_S" "$ELIGO_BIN" "${LIMITS[@]}" "${extra[@]}" check p --format json
    ms=$(($(now_ms) - t0))
    TIMES+="$ms $file"$'\n'
    CHECKS=$((CHECKS + 1))
    [[ $ms -lt $BOUND_MS ]] || fail "$what: eligo check took ${ms} ms (bound ${BOUND_MS} ms)"
    if [[ $RC -eq 124 || $RC -eq 137 ]]; then
        fail "$what: eligo check killed after ${KILL_S} s"
    else
        assert_eq "$want_exit" "$RC" "$what: exit code ($(head -c 300 <<<"$ERR"))"
        local hostile witness id got_statuses at message
        # (read, not pattern expansions: those are quadratic on a 10 MB line)
        hostile="" witness=""
        {
            IFS= read -r hostile
            IFS= read -r witness
        } <"$WORK/out"
        # One jq for what is asserted of the hostile decision; the message
        # (which may hold line breaks) last.
        {
            read -r id
            read -r got_statuses
            read -r at
            message=$(cat)
        } < <(jq -r '.decision_id, ([.rules[].status] | join(",")), (.rules[0].error_at // "null"),
                     .rules[0].message' <<<"$hostile")
        assert_eq "$statuses" "$got_statuses" "$what: statuses"
        CHECKS=$((CHECKS + 1))
        contains_any "$message" "$fragment" ||
            fail "$what: message: [$fragment] not found in: $(head -c 300 <<<"$message")"
        local want_at=null
        [[ $line != - ]] && want_at="rules/calls/hostile.lua:$line"
        if [[ $line == *"|"* ]]; then
            CHECKS=$((CHECKS + 1))
            [[ $at == rules/calls/hostile.lua:* && "|$line|" == *"|${at#rules/calls/hostile.lua:}|"* ]] ||
                fail "$what: error_at: expected rules/calls/hostile.lua:($line), got [$at]"
        else
            assert_eq "$want_at" "$at" "$what: error_at"
        fi
        local size
        size=$(printf '%s' "$hostile" | wc -c)
        CHECKS=$((CHECKS + 1))
        [[ $size -le $MAX_DECISION ]] ||
            fail "$what: the decision takes $size bytes (at most $MAX_DECISION: 16 x --max-output)"
        run eligo --facts trace show "$id"
        assert_eq 0 "$RC" "$what: trace show ($ERR)"
        no_raw_controls "$OUT" "$what: trace show"
        # A decision is reproducible; a time limit is not meant to be (and a
        # slow run is not run twice).
        if [[ $fragment != *"time limit"* && $ms -lt 500 ]]; then
            run eligo replay "$id"
            assert_eq 0 "$RC" "$what: replay reproduces the decision ($(head -c 300 <<<"$OUT"))"
        fi
        [[ $file == term_* ]] && check_text "$what" "${extra[@]}"
        [[ $file == state_* ]] && check_in_a_row "$what" "$hostile" "${extra[@]}"
    fi
    run eligo "${LIMITS[@]}" check q --format json
    assert_eq 0 "$RC" "$what: the witness for q afterwards ($ERR)"
    local got_p got_q
    {
        read -r got_p
        read -r got_q
    } < <(printf '%s\n%s\n' "${witness:-"{}"}" "$OUT" | normal)
    [[ -n ${witness:-} ]] && assert_eq "$BASE_P" "$got_p" \
        "$what: the witness call right after, in the same process"
    assert_eq "$BASE_Q" "$got_q" "$what: q gets the decision it gets alone"
}

# The text output of check itself (terminal injection).
check_text() {
    local what=$1
    shift
    run timeout -k 2 "$KILL_S" "$ELIGO_BIN" "${LIMITS[@]}" "$@" --facts check p
    CHECKS=$((CHECKS + 1))
    [[ $RC -ne 124 && $RC -ne 137 ]] || fail "$what: text check killed after ${KILL_S} s"
    no_raw_controls "$OUT$ERR" "$what: check text"
}

# Two projects in a row in one sandbox, each as it is alone.
check_in_a_row() {
    local what=$1 alone_p=$2
    shift 2
    run eligo "${LIMITS[@]}" "$@" check p2 --format json
    local alone_p2
    alone_p2=$(sed -n 1p <<<"$OUT")
    run timeout -k 2 "$KILL_S" "$ELIGO_BIN" "${LIMITS[@]}" "$@" test "$WORK/two-projects.yaml" \
        --format json
    local cases
    cases=$(jq -c '.runs[0].cases' <<<"$OUT")
    same_case "$what: p in a row (eligo test)" "$alone_p" "$(jq -c '.[0]' <<<"$cases")"
    same_case "$what: p2 right after p" "$alone_p2" "$(jq -c '.[1]' <<<"$cases")"
}

# same_case WHAT DECISION CASE: the case of `eligo test` says what the decision
# says of every rule (a file that does not load: the case's error gives its message).
same_case() {
    if [[ $(jq -r '.rules[0].id' <<<"$2") == chargement-regles ]]; then
        assert_contains "$(jq -r '.error' <<<"$3")" "$(jq -r '.rules[0].message' <<<"$2")" \
            "$1: the same load error as alone"
    else
        assert_eq "$(jq -c "$RULES_OF" <<<"$2")" "$(jq -c "$RULES_OF" <<<"$3")" "$1: as alone"
    fi
}

TIMES=""
FAILED_FILES=""
declare -A PER_CLASS=()
listed=0
KNOWN=$(grep -v '^#' "$HOSTILE/known-defects.txt" 2>/dev/null | awk '{ print $1 }' | tr '\n' ' ')
KNOWN_FAILED=""
while read -r file want_exit statuses line options fragment; do
    [[ -z $file || $file == \#* ]] && continue
    listed=$((listed + 1))
    [[ -f $HOSTILE/rules/$file ]] || {
        fail "manifest: $file is not in tests/hostile/rules"
        continue
    }
    before=$FAILURES
    check_file "$file" "$want_exit" "$statuses" "$line" "$options" "$fragment"
    if [[ " $KNOWN " == *" $file "* ]]; then
        # A known defect (tests/hostile/known-defects.txt): reported, not
        # counted; once it is handled it must leave the list.
        if [[ $FAILURES -eq $before ]]; then
            fail "$file is handled now: remove it from tests/hostile/known-defects.txt"
        else
            FAILURES=$before
            KNOWN_FAILED+=" $file"
        fi
    elif [[ $FAILURES -ne $before ]]; then
        FAILED_FILES+=" $file"
    fi
    class=${file%%_*}
    PER_CLASS[$class]=$((${PER_CLASS[$class]:-0} + 1))
done <"$HOSTILE/manifest.txt"

# Every corpus file is listed, every file says its trick and expected outcome.
manifest=$(<"$HOSTILE/manifest.txt")
for path in "$HOSTILE"/rules/*.lua; do
    file=${path##*/}
    assert_contains "$manifest" $'\n'"$file " "$file is in the manifest"
    mapfile -n 8 -t top <"$path"
    assert_eq "-- Trick:" "${top[0]:0:9}" "$file begins with its trick"
    assert_contains "${top[*]}" "-- Expected:" "$file says its expected outcome"
done
count=$(find "$HOSTILE/rules" -name '*.lua' | wc -l)
assert_eq "$count" "$listed" "manifest lines for the corpus files"
CHECKS=$((CHECKS + 1))
[[ $count -ge 60 ]] || fail "the corpus has $count files (at least 60)"

summary=""
while read -r c; do summary+=" $c ${PER_CLASS[$c]},"; done < <(printf '%s\n' "${!PER_CLASS[@]}" | sort)
echo "hostile corpus: $listed files; per class:${summary%,}"
echo "eligo check runs: $(awk '{ s += $1 } END { print s }' <<<"$TIMES") ms in all; slowest (ms):"
sort -rn <<<"$TIMES" | head -8 | sed 's/^/  /'
[[ -z $FAILED_FILES ]] || echo "files not handled:$FAILED_FILES"
[[ -z $KNOWN_FAILED ]] || echo "known defects, still not handled (not counted):$KNOWN_FAILED"
echo "whole test: $(($(now_ms) - TEST_START / 1000)) ms"
finish
