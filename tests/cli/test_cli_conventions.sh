# The command-line conventions people know from git, sqlite3 or OPA:
# `eligo help COMMAND` and `COMMAND --help` for every command and
# sub-command, with complete exit codes; "vouliez-vous dire" for commands
# and options; --color=auto|always|never with NO_COLOR and TERM=dumb;
# global options before or after the command; commands that only read never
# create a store and name it in their errors; a missing rule library named
# with the path tried and how to choose one; --format json wherever data is
# printed and csv for trace list; and the build tree finding its rules
# without --rules.
source "$(dirname "$0")/lib.sh"
if [[ -n ${ELIGO_TEST_DB:-} ]]; then
    echo "skipped under test_trace_replay_all: it needs stores of its own"
    finish
fi
DB=$ELIGO_DB

# ---- help: every command and sub-command, the same text both ways --------
run eligo help
assert_eq 0 "$RC" "eligo help"
main_help=$OUT
# "trace list" and the like are indented under trace.
commands=$(sed -n '/^Commandes :/,/^$/p' <<<"$main_help" | grep -oE '^ {2,4}[a-z]+( [a-z]+)?' | sed 's/^ *//')
assert_contains "$commands" "trace show" "the sub-commands are listed"
assert_eq 21 "$(wc -l <<<"$commands")" "commands and sub-commands in eligo help"
while read -r cmd; do
    # shellcheck disable=SC2086 # cmd is words
    run eligo help $cmd
    assert_eq 0 "$RC" "eligo help $cmd ($ERR)"
    help=$OUT
    assert_eq "usage : eligo $cmd" "$(head -1 <<<"$help" | cut -c1-$((14 + ${#cmd})))" "help $cmd is about $cmd"
    assert_contains "$help" "Codes de sortie :" "help $cmd has exit codes"
    assert_contains "$help" "  0  " "help $cmd: exit 0"
    # shellcheck disable=SC2086
    run eligo $cmd --help
    assert_eq 0 "$RC" "$cmd --help"
    assert_eq "$help" "$OUT" "$cmd --help = eligo help $cmd"
    # shellcheck disable=SC2086
    run eligo $cmd -h
    assert_eq "$help" "$OUT" "$cmd -h = eligo help $cmd"
    # No English sentence in the help.
    assert_not_contains "$help" " the " "help $cmd in French"
done <<<"$commands"
run eligo help trace show
assert_eq "usage : eligo trace show DÉCISION [--format text|json]" "$(head -1 <<<"$OUT")" \
    "help trace show is about trace show"
run eligo trace show --format json --help
assert_eq "usage : eligo trace show DÉCISION [--format text|json]" "$(head -1 <<<"$OUT")" \
    "trace show --help among other options"
run eligo trace
assert_eq 2 "$RC" "trace without a sub-command"
assert_contains "$ERR" "Sous-commandes" "lists the sub-commands on stderr"
run eligo
assert_eq 2 "$RC" "no command"
assert_contains "$ERR" "Commandes :" "the help on stderr"
run eligo --help
assert_eq "$main_help" "$OUT" "--help = help"
run eligo --version
assert_eq "eligo 0.1.0" "$OUT" "--version"
run eligo version --format json
assert_eq 0.1.0 "$(jqr .version)" "version --format json"

# ---- did you mean ----------------------------------------------------------
run eligo chek p
assert_eq 2 "$RC" "unknown command"
assert_contains "$ERR" "commande inconnue « chek » ; vouliez-vous dire « check » ?" "suggests check"
run eligo trace shwo 1
assert_eq 2 "$RC" "unknown sub-command"
assert_contains "$ERR" "vouliez-vous dire « trace show » ?" "suggests trace show"
run eligo hepl
assert_contains "$ERR" "« help »" "suggests help"
run eligo zzzzzz
assert_not_contains "$ERR" "vouliez-vous" "no suggestion for nonsense"
run eligo check p --fromat json
assert_eq 2 "$RC" "unknown option"
assert_contains "$ERR" "eligo check : option inconnue ou ambiguë « --fromat » ; vouliez-vous dire « --format » ?" \
    "suggests --format"
run eligo trace list --projet x
assert_contains "$ERR" "vouliez-vous dire « --project » ?" "suggests --project"
run eligo check p --colr=never
assert_contains "$ERR" "vouliez-vous dire « --color » ?" "suggests a global option"
run eligo --dbb x.db check p
assert_eq 2 "$RC" "unknown global option"
assert_contains "$ERR" "vouliez-vous dire « --db » ?" "suggests --db"
run eligo check p --call
assert_contains "$ERR" "l'option --call attend une valeur" "missing value"
run eligo trace export 1 --html=yes
assert_contains "$ERR" "l'option --html ne prend pas de valeur" "value given to a flag"
run eligo help frobnicate
assert_eq 2 "$RC" "help of an unknown command"

# ---- read-only commands never create a store, and name it --------------------
for cmd in "trace list" "trace show 1" "trace diff 1 2" "trace export 1 --html" "replay 1" "check p"; do
    # shellcheck disable=SC2086
    run eligo $cmd
    assert_eq 3 "$RC" "$cmd without a store"
    assert_contains "$ERR" "pas de magasin $DB" "$cmd names the store"
    assert_eq no "$([[ -e $DB ]] && echo yes || echo no)" "$cmd creates no store"
    echo "$cmd $RC" >>"$WORK/observed"
done
run eligo --format json init
assert_eq 2 "$RC" "--format is a command's option, not a global one"
run eligo init --format json
assert_eq 0 "$RC" "init --format json ($ERR)"
assert_eq "$DB" "$(jqr .store)" "init names its store"
assert_eq true "$(jqr '.schema_version > 0')" "init schema version"
run eligo trace show 7
assert_eq 3 "$RC" "unknown decision"
assert_contains "$ERR" "(magasin $DB)" "the error names the store"
echo "trace show 3" >>"$WORK/observed"

# ---- global options before or after the command ---------------------------
OTHER=$WORK/other.db
run eligo import --format json "$SRC/seeds" --db "$OTHER"
assert_eq 0 "$RC" "import with --db after ($ERR)"
assert_eq 23 "$(wc -l <<<"$OUT")" "import --format json: a line per document"
assert_eq "new" "$(jq -r .status <<<"$OUT" | sort -u)" "all new"
assert_eq "call financer project" "$(jq -r .kind <<<"$OUT" | sort -u | tr "\n" " " | sed "s/ $//")" "import JSON fields"
run eligo import --format json "$SRC/seeds/financers" --db="$OTHER"
assert_eq unchanged "$(jq -r .status <<<"$OUT" | sort -u)" "re-import unchanged"
run eligo --db "$OTHER" --facts check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018
assert_eq 0 "$RC" "--db and --facts before the command"
assert_contains "$OUT" "ÉLIGIBLE" "check output"
run eligo check centres-sociaux-connectes-2018 --format json --db "$OTHER" --rules "$SRC/rules"
assert_eq 0 "$RC" "check with --db and --rules after"
assert_eq "eligible eligible" "$(jqr .outcome | tr '\n' ' ' | sed 's/ $//')" "check --format json"
run eligo check nope --db "$OTHER"
echo "check $RC" >>"$WORK/observed"
export ELIGO_DB=$OTHER

# ---- --format json wherever data is printed; csv for trace list ------------
run eligo trace list --format json
assert_eq 3 "$(jq -s length <<<"$OUT")" "trace list json"
run eligo trace list --format csv
assert_eq 0 "$RC" "trace list csv"
assert_eq "decision_id,created_at,outcome,project,project_version,call,call_version,eligible_cost,ruleset_sha256" \
    "$(head -1 <<<"$OUT" | tr -d '\r')" "CSV header"
assert_eq 4 "$(wc -l <<<"$OUT")" "header and three rows"
assert_eq "1,eligible,centres-sociaux-connectes-2018,200000000" \
    "$(sed -n 2p <<<"$OUT" | tr -d '\r' | awk -F, '{print $1 "," $3 "," $4 "," $8}')" "CSV row"
assert_eq 4 "$(grep -c $'\r$' <<<"$OUT")" "CSV lines end with CRLF"
run eligo check centres-sociaux-connectes-2018 --format csv
assert_eq 2 "$RC" "csv only where tables are printed"
assert_contains "$ERR" "text, json ou" "names the formats"
run eligo trace show 1 --format json
assert_eq 1 "$(jqr .decision_id)" "trace show json"
run eligo trace diff 1 3 --format json
assert_eq false "$(jqr .same)" "trace diff json"
run eligo replay 1 --format json
assert_eq true "$(jqr .same)" "replay json"
run eligo lint --format json
assert_eq 0 "$(jq length <<<"$OUT")" "lint json"
run eligo lint --globals --format json
assert_eq true "$(jq 'index("apply_rate_floor") != null' <<<"$OUT")" "lint --globals json"
run eligo test --format json "$SRC/rules/tests/mons-fabrica-2015.yaml"
assert_eq 0 "$(jqr .failed)" "test json"

# ---- colour ------------------------------------------------------------------
esc=$'\033['
colored() { # env... -- args: whether `eligo trace show 1` on a terminal has colour
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    local out
    out=$(env "${envs[@]}" script -qec "$ELIGO_BIN $* trace show 1" /dev/null)
    [[ $out == *"$esc"* ]] && echo yes || echo no
}
if script -qec true /dev/null >/dev/null 2>&1; then
    assert_eq yes "$(colored -u NO_COLOR TERM=xterm --)" "colour on a terminal"
    assert_eq no "$(colored NO_COLOR=1 TERM=xterm --)" "NO_COLOR"
    assert_eq yes "$(colored -u NO_COLOR NO_COLOR= TERM=xterm --)" "an empty NO_COLOR is unset"
    assert_eq no "$(colored -u NO_COLOR TERM=dumb --)" "TERM=dumb"
    assert_eq no "$(colored -u NO_COLOR TERM=xterm -- --color=never)" "--color=never"
    assert_eq yes "$(colored NO_COLOR=1 TERM=dumb -- --color=always)" "--color=always wins"
    assert_eq yes "$(colored -u NO_COLOR TERM=xterm -- --color=auto)" "--color=auto"
else
    echo "note: script(1) cannot make a terminal here: colour on a terminal not checked"
fi
run env -u NO_COLOR "$ELIGO_BIN" trace show 1
assert_not_contains "$OUT" "$esc" "no colour into a pipe"
run eligo trace show 1 --color=always
assert_contains "$OUT" "$esc" "--color=always into a pipe"
run eligo trace show 1 --color
assert_contains "$OUT" "$esc" "--color alone is always"
run eligo --color=sometimes trace show 1
assert_eq 2 "$RC" "bad --color"
assert_contains "$ERR" "auto, always ou never" "names the choices"

# ---- the rule library --------------------------------------------------------
run eligo --rules /nonexistent check centres-sociaux-connectes-2018
assert_eq 4 "$RC" "missing rules directory"
assert_contains "$ERR" "/nonexistent (--rules)" "names the path tried and where it came from"
assert_contains "$ERR" "--rules RÉPERTOIRE ou la variable ELIGO_RULES" "says how to set it"
assert_not_contains "$ERR" "prelude" "no prelude internals"
echo "check $RC" >>"$WORK/observed"
run env ELIGO_RULES=/nope "$ELIGO_BIN" test
assert_contains "$ERR" "/nope (ELIGO_RULES)" "ELIGO_RULES named"
echo "test $RC" >>"$WORK/observed"
run env ELIGO_RULES=/nope "$ELIGO_BIN" lint
echo "lint $RC" >>"$WORK/observed"
assert_eq 4 "$RC" "lint without rules"
# The build tree's program finds its rules without --rules (build/rules).
run env -u ELIGO_RULES "$ELIGO_BIN" lint --globals
assert_eq 0 "$RC" "build tree program finds its rules ($ERR)"
assert_contains "$OUT" "apply_rate_floor" "library loaded"
# A program with no library beside it says where it looked.
mkdir -p "$WORK/bin"
cp "$ELIGO_BIN" "$WORK/bin/eligo"
run env -u ELIGO_RULES "$WORK/bin/eligo" check centres-sociaux-connectes-2018
assert_eq 4 "$RC" "no library found"
assert_contains "$ERR" "bibliothèque de règles introuvable (cherchée en $WORK/share/eligo/rules)" \
    "the path tried"
echo "check $RC" >>"$WORK/observed"

# ---- exit codes seen above are in each command's help -----------------------
while IFS='|' read -r cmd rc; do
    # shellcheck disable=SC2086
    help=$(eligo help $cmd)
    assert_contains "$(sed -n '/^Codes de sortie/,$p' <<<"$help")" "  $rc  " "exit $rc of $cmd in its help"
done < <(sed -E 's/^(trace [a-z]+|[a-z]+)( .*)? ([0-9])$/\1|\3/' "$WORK/observed")
# Usage errors are 2 everywhere, and every command says so.
while read -r cmd; do
    # shellcheck disable=SC2086
    run eligo $cmd --no-such-option
    assert_eq 2 "$RC" "$cmd --no-such-option"
    # shellcheck disable=SC2086
    assert_contains "$(eligo help $cmd)" "  2  " "exit 2 in help $cmd"
done <<<"$commands"
finish
