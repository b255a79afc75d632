# Installation: `cmake --install` into a temporary prefix puts the program,
# libeligo with its header and pkg-config file, the rule library, the
# seeds, the schemas, the man page and the bash completion in place; no
# installed file names the source tree; and with the source tree hidden
# (a private mount namespace with an empty tmpfs over it) the installed
# program imports, checks, traces, replays, lints and tests from another
# directory, a program built with only the installed header and pkg-config
# evaluates a project, and a moved installation still finds its rules.
source "$(dirname "$0")/lib.sh"
: "${ELIGO_BUILD_DIR:?ELIGO_BUILD_DIR must point at the build directory}"
if [[ -n ${ELIGO_TEST_DB:-} ]]; then
    echo "skipped under test_trace_replay_all: its decisions are in a private store"
    finish
fi
unset ELIGO_RULES
PREFIX=$WORK/prefix

run cmake --install "$ELIGO_BUILD_DIR" --prefix "$PREFIX"
assert_eq 0 "$RC" "cmake --install ($ERR)"
libdir=$(ls -d "$PREFIX"/lib* | head -1)
for f in bin/eligo include/eligo/eligo.h share/eligo/rules/lib/init.lua \
    share/eligo/rules/calls/mel-strategie-digitale-2018.lua \
    share/eligo/rules/tests/mel-strategie-digitale-2018.yaml \
    share/eligo/seeds/projects/centres-sociaux-connectes-2018.yaml \
    share/eligo/schemas/project.schema.json share/man/man1/eligo.1 \
    share/bash-completion/completions/eligo share/doc/eligo/README.md share/doc/eligo/rules.md; do
    assert_eq yes "$([[ -f $PREFIX/$f ]] && echo yes || echo no)" "installed $f"
done
for f in libeligo.so libeligo.so.0 pkgconfig/eligo.pc; do
    assert_eq yes "$([[ -e $libdir/$f ]] && echo yes || echo no)" "installed ${libdir#"$PREFIX"/}/$f"
done
assert_eq "$(ls "$SRC"/rules/lib | wc -l)" "$(ls "$PREFIX"/share/eligo/rules/lib | wc -l)" \
    "every library file installed"
assert_eq "$(ls "$SRC"/rules/calls | wc -l)" "$(ls "$PREFIX"/share/eligo/rules/calls | wc -l)" \
    "every call's rules installed"
assert_eq "" "$(ls "$PREFIX"/share/eligo/schemas | grep -v '\.schema\.json$')" \
    "only the JSON Schemas (store.sql is compiled in)"

# No installed file names the source or build tree: the program cannot
# reach the rules through a compiled-in path, nor debug info point there.
run grep -rlF "$SRC" "$PREFIX"
if [[ ${ELIGO_SANITIZE:-OFF} == ON ]]; then
    # AddressSanitizer's descriptions of globals keep the source file names
    # whatever -ffile-prefix-map says: only the text files are checked.
    run grep -rlF -I "$SRC" "$PREFIX"
fi
assert_eq "" "$OUT" "installed files naming the source tree"
# Only the public interface is exported from libeligo.
exported=$(nm -D --defined-only "$libdir/libeligo.so" | awk '$2 == "T" {print $3}' | sort | tr '\n' ' ')
assert_eq "eligo_check eligo_close eligo_errmsg eligo_free eligo_import eligo_open eligo_version " \
    "$exported" "symbols exported by libeligo"

# The man page is the help registry's: the program writes it, every command
# is in it, and man renders it without a warning.
run "$PREFIX/bin/eligo" help --man
assert_eq "$(cat "$PREFIX/share/man/man1/eligo.1")" "$OUT" "installed man page = eligo help --man"
run groff -k -man -Tutf8 -ww -z "$PREFIX/share/man/man1/eligo.1"
assert_eq "" "$ERR" "groff warnings on eligo.1"
page=$(MANWIDTH=100 man -l "$PREFIX/share/man/man1/eligo.1" 2>/dev/null)
for cmd in init import check "trace list" "trace show" "trace diff" "trace export" replay test lint; do
    usage=$("$PREFIX/bin/eligo" help $cmd | head -1)
    usage=${usage#usage : }
    assert_contains "$page" "${usage%% [*}" "man page has $cmd"
done
assert_contains "$page" "CODES DE SORTIE" "man page exit codes"
assert_contains "$page" "ELIGO_RULES" "man page environment"

# The bash completion script, loaded as bash-completion would.
complete_words() { # words...: COMPREPLY for the last word
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _eligo; echo "${COMPREPLY[*]}"' \
        _ "$PREFIX/share/bash-completion/completions/eligo" "$@"
}
assert_eq "trace test" "$(complete_words eligo t)" "completes commands"
assert_eq "show" "$(complete_words eligo --db x.db trace sh)" "completes sub-commands after a global option"
assert_eq "--format" "$(complete_words eligo check p --fo)" "completes a command's options"
assert_eq "text json csv" "$(complete_words eligo trace list --format '')" "completes --format values"
assert_contains "$(complete_words eligo check p --)" "--rules" "completes global options after the command"

# What the hidden run needs, copied out of the source tree first.
mkdir -p "$WORK/elsewhere" "$WORK/docs"
cp -r "$SRC/seeds" "$WORK/docs/seeds"
cp "$SRC/tests/embed/embed.c" "$WORK/embed.c"
cat >"$WORK/hidden.sh" <<'SCRIPT'
# Run with the source tree hidden: every command's output in $WORK/h.*.
set -u
cd "$WORK/elsewhere"
export ELIGO_DB=$WORK/elsewhere/eligo.db
e() { "$PREFIX/bin/eligo" "$@"; }
step() { # name command...: stdout, stderr and status of one step
    local name=$1
    shift
    "$@" >"$WORK/h.$name.out" 2>"$WORK/h.$name.err"
    echo $? >"$WORK/h.$name.rc"
}
echo "$(ls -A "$SRC" | wc -l)" >"$WORK/h.src_entries"
step init e init
step import e import "$WORK/docs/seeds"
step check e check centres-sociaux-connectes-2018
step list e trace list --format csv
step show e trace show 1 --format json
step replay e replay 2
step lint e lint
step test e test
export PKG_CONFIG_PATH=$(dirname "$(find "$PREFIX" -name eligo.pc)")
flags=""
[[ $ELIGO_SANITIZE == ON ]] && flags="-fsanitize=address,undefined"
step cc "$ELIGO_CC" $flags -std=c11 -Wall -Wextra -Werror -o "$WORK/embed" "$WORK/embed.c" \
    $(pkg-config --cflags --libs eligo) -Wl,-rpath,"$(pkg-config --variable=libdir eligo)"
step rulesdir pkg-config --variable=rulesdir eligo
step embed "$WORK/embed" "$WORK/elsewhere/embed.db" - centres-sociaux-connectes-2018 "$WORK/docs/seeds"
# Moved elsewhere, the installation still finds its rules.
mv "$PREFIX" "$WORK/moved"
ELIGO_DB=$WORK/elsewhere/moved.db
step moved_import "$WORK/moved/bin/eligo" import --quiet "$WORK/docs/seeds"
step moved_check "$WORK/moved/bin/eligo" check centres-sociaux-connectes-2018 --format json
mv "$WORK/moved" "$PREFIX"
# A program with no rule library beside it says where it looked.
mkdir -p "$WORK/lonely/bin"
cp "$PREFIX/bin/eligo" "$WORK/lonely/bin/eligo"
step lonely "$WORK/lonely/bin/eligo" check centres-sociaux-connectes-2018
SCRIPT
export WORK PREFIX SRC ELIGO_SANITIZE ELIGO_CC=${ELIGO_CC:-cc}
# Where the tree cannot be hidden, the grep above still shows that nothing
# installed names it.
without_source "$WORK/hidden.sh"
if can_hide_source; then
    assert_eq 0 "$(cat "$WORK/h.src_entries")" "the source tree is hidden during the run"
fi
h() { cat "$WORK/h.$1.$2"; }
assert_eq 0 "$(h init rc)" "init ($(h init err))"
assert_eq 0 "$(h import rc)" "import ($(h import err))"
assert_contains "$(h import out)" "nouveau" "documents imported"
assert_eq 0 "$(h check rc)" "check from the installation ($(h check err))"
assert_contains "$(h check out)" "ÉLIGIBLE" "check prints the decision"
assert_eq 0 "$(h list rc)" "trace list ($(h list err))"
assert_eq 3 "$(h list out | wc -l)" "CSV header and two decisions"
assert_eq 0 "$(h show rc)" "trace show ($(h show err))"
assert_eq eligible "$(jq -r .outcome "$WORK/h.show.out")" "decision 1 from the hidden run"
assert_contains "$(jq -r '.rule_files[0].path' "$WORK/h.show.out")" "rules/" "rule files recorded"
assert_eq 0 "$(h replay rc)" "replay ($(h replay err))"
assert_eq 0 "$(h lint rc)" "lint of the installed seeds ($(h lint err))"
assert_eq "aucun problème trouvé" "$(h lint out)" "lint output"
assert_eq 0 "$(h test rc)" "eligo test of the installed rule tests ($(h test err))"
assert_contains "$(h test out | tail -1)" "0 en échec" "rule tests pass"
assert_eq 0 "$(h cc rc)" "compiling with the installed header and pkg-config ($(h cc err))"
assert_eq "$PREFIX" "$(realpath "$(h rulesdir out)/../../..")" "pkg-config rulesdir"
assert_eq 0 "$(h embed rc)" "the embedding program ($(h embed err))"
assert_contains "$(h embed out)" "outcome eligible" "embedded evaluation outcome"
assert_contains "$(h embed out)" "decisions 2" "one decision per call"
assert_eq eligible "$(sed -n 5p "$WORK/h.embed.out" | jq -r .outcome)" "decision JSON from libeligo"
assert_contains "$(h embed out)" "unknown project: 3" "an unknown project is error 3"
assert_contains "$(h embed out)" "no rules: 4 /nonexistent : pas de bibliothèque de règles" \
    "a rules directory without a library is error 4"
assert_eq 0 "$(h moved_import rc)" "import from a moved installation ($(h moved_import err))"
assert_eq 0 "$(h moved_check rc)" "check from a moved installation ($(h moved_check err))"
assert_contains "$(jq -r .outcome "$WORK/h.moved_check.out" | sort -u)" eligible "moved check outcome"
assert_eq 4 "$(h lonely rc)" "no rule library beside the program"
assert_contains "$(h lonely err)" "cherchée en $WORK/lonely/share/eligo/rules" "says where it looked"
assert_contains "$(h lonely err)" "--rules" "says how to choose one"
finish
