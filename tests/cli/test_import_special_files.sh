# Import never blocks on, and never reads, a file that is not a regular file
# (issue 9): a FIFO, a socket, a device, or a symbolic link to one. Inside a
# directory walk such a file is skipped with a note naming it; given directly
# it is refused (exit 3) with a message naming it, and nothing is imported.
# Symbolic links to regular files keep working. Every import runs under
# `timeout 10`, so that a regression fails (exit 124) instead of hanging.
source "$(dirname "$0")/lib.sh"

# limited CMD...: run with the timeout guard.
limited() { run timeout 10 "$ELIGO_BIN" "$@"; }

seed=$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml
special=$WORK/special
docs=$WORK/docs
mkdir -p "$special" "$docs"
cp "$SRC"/seeds/financers/*.yaml "$SRC"/seeds/calls/*.yaml "$docs/"
ln -s "$seed" "$docs/project-link.yaml"
mkfifo "$docs/fifo.yaml" "$docs/pipe.fifo" "$special/fifo.yaml"
ln -s "$special/fifo.yaml" "$docs/link-to-fifo.yaml"
ln -s /dev/null "$docs/null.yaml"
ln -s /dev/zero "$docs/zero.yml"
# Sockets need a program that binds one; python3 is there on every machine
# we know of, but the suite does not install it.
have_socket=0
if command -v python3 >/dev/null &&
    python3 -c 'import socket, sys
for p in sys.argv[1:]:
    socket.socket(socket.AF_UNIX).bind(p)' "$docs/sock.yaml" "$special/sock.yaml"; then
    have_socket=1
else
    echo "note: no python3, the socket cases are left out" >&2
fi
nfinancers=$(ls "$SRC"/seeds/financers/*.yaml | wc -l)
ncalls=$(ls "$SRC"/seeds/calls/*.yaml | wc -l)

# never_opened FIFO WHAT: a writer blocked on FIFO until someone opens it for
# reading is started before the import and must still be blocked after it.
start_writer() {
    (echo "kind: financer" >"$1") 2>/dev/null &
    WRITER=$!
}
check_writer() { # what
    sleep 0.2
    CHECKS=$((CHECKS + 1))
    if kill -0 "$WRITER" 2>/dev/null; then
        kill "$WRITER" 2>/dev/null
        wait "$WRITER" 2>/dev/null
    else
        fail "$1: the FIFO was opened for reading"
    fi
}

# ---- inside a directory: skipped with a note, the rest imported ----------
start_writer "$docs/fifo.yaml"
limited import "$docs"
assert_eq 0 "$RC" "a directory holding special files imports ($ERR)"
check_writer "a FIFO in a directory"
assert_eq $((nfinancers + ncalls + 1)) "$(rows documents)" \
    "every regular document stored, the symlinked project included"
assert_eq 1 "$(rows project_forms)" "the project behind the symbolic link is stored"
assert_contains "$OUT" "project   centres-sociaux-connectes-2018" "the linked project is reported"
assert_contains "$ERR" "eligo: note : ignoré $docs/fifo.yaml : pas un fichier ordinaire (un tube nommé FIFO)" \
    "the FIFO is named"
assert_contains "$ERR" \
    "eligo: note : ignoré $docs/link-to-fifo.yaml : pas un fichier ordinaire (un lien symbolique vers un tube nommé FIFO)" \
    "the link to a FIFO is named"
assert_contains "$ERR" \
    "eligo: note : ignoré $docs/null.yaml : pas un fichier ordinaire (un lien symbolique vers un périphérique caractère)" \
    "the link to /dev/null is named"
assert_contains "$ERR" \
    "eligo: note : ignoré $docs/zero.yml : pas un fichier ordinaire (un lien symbolique vers un périphérique caractère)" \
    "the link to /dev/zero is named"
if [[ $have_socket == 1 ]]; then
    assert_contains "$ERR" "eligo: note : ignoré $docs/sock.yaml : pas un fichier ordinaire (une socket)" \
        "the socket is named"
fi
assert_not_contains "$ERR" "pipe.fifo" "a special file without a .yaml name is not mentioned"
assert_eq $((have_socket + 4)) "$(grep -c '^eligo: note : ignoré ' <<<"$ERR")" \
    "one note per special file"

# ---- given directly: refused, nothing imported ---------------------------
rm -f "$ELIGO_DB"
# refused PATH WHAT: importing the seed financers and PATH is refused, names
# PATH as WHAT, and stores nothing.
refused() {
    limited import "$SRC/seeds/financers" "$1"
    assert_eq 3 "$RC" "$1 given directly: exit code ($ERR)"
    assert_contains "$ERR" "eligo: impossible de lire $1 : pas un fichier ordinaire ($2)" "$1 given directly: named"
    assert_contains "$ERR" "rien n'a été importé" "$1 given directly: nothing imported"
    assert_eq 0 "$(rows documents)" "$1 given directly: no document written"
}
start_writer "$special/fifo.yaml"
refused "$special/fifo.yaml" "un tube nommé FIFO"
check_writer "a FIFO given directly"
start_writer "$special/fifo.yaml"
refused "$docs/link-to-fifo.yaml" "un lien symbolique vers un tube nommé FIFO"
check_writer "a link to a FIFO given directly"
refused /dev/null "un périphérique caractère"
refused "$docs/zero.yml" "un lien symbolique vers un périphérique caractère"
if [[ $have_socket == 1 ]]; then
    refused "$special/sock.yaml" "une socket"
fi
# A pipe from the shell is a FIFO too.
limited import <(cat "$seed")
assert_eq 3 "$RC" "a process substitution is refused ($ERR)"
assert_contains "$ERR" "pas un fichier ordinaire (" "a process substitution is named"

# ---- symbolic links to regular files, given directly ---------------------
limited import "$SRC/seeds/financers" "$SRC/seeds/calls" "$docs/project-link.yaml"
assert_eq 0 "$RC" "a symbolic link to a regular file given directly imports ($ERR)"
assert_eq $((nfinancers + ncalls + 1)) "$(rows documents)" "and its document is stored"
assert_eq "$docs/project-link.yaml" \
    "$(sqlite3 "$ELIGO_DB" "SELECT source FROM documents WHERE kind = 'project'")" \
    "the source recorded is the path given"
finish
