# The grant officers' guide (docs/guide-instructeur.md) cannot rot: every example in it runs
# here, in one tree that starts with the rule library and empty seeds/ directories (the guide
# makes its own documents with `eligo new`). Fenced blocks are read by their info string:
#   ```yaml fichier=PATH    appended to PATH in the tree
#   ```console              "$ eligo ..." lines run in the tree, in order; the lines after each
#                           are its exact output (stdout and stderr), timestamps and hashes
#                           aside (both sides have them replaced by a mark)
#   ```text                 not an example (a layout, an excerpt)
# To update the guide: ELIGO_DOCS_SHOW=1 prints what each command gives (lib.sh).
source "$(dirname "$0")/lib.sh"
guide=$SRC/docs/guide-instructeur.md
T=$WORK/t
mkdir -p "$T/rules/calls" "$T/seeds/financers" "$T/seeds/calls" "$T/seeds/projects" "$WORK/console"
cp -r "$SRC/rules/lib" "$T/rules/lib"
# Under test_trace_replay_all, the decisions go to its store to be replayed.
export ELIGO_RULES=$T/rules ELIGO_DB=${ELIGO_TEST_DB:-$T/eligo.db}

awk -v T="$T" -v C="$WORK/console" '
function attr(info, key,   n, i, parts, kv) {
    n = split(info, parts, /[ \t]+/)
    for (i = 2; i <= n; i++) {
        split(parts[i], kv, "=")
        if (kv[1] == key) return kv[2]
    }
    return ""
}
!inblock && /^```[a-z]/ {
    info = substr($0, 4); lang = info; sub(/[ \t].*/, "", lang)
    target = ""
    if (lang == "yaml" && attr(info, "fichier") != "") {
        target = T "/" attr(info, "fichier")
        d = target; sub(/\/[^\/]*$/, "", d); system("mkdir -p \"" d "\"")
        if (!(target in started)) { started[target] = 1; printf "" > target }
    } else if (lang == "console") {
        target = sprintf("%s/%03d", C, ++n); print NR > target
    } else if (lang != "text") {
        printf "docs/guide-instructeur.md:%d: a ```%s block must be yaml fichier=..., console or text\n", NR, lang > "/dev/stderr"
        bad = 1
    }
    inblock = 1
    next
}
inblock && /^```[ \t]*$/ { inblock = 0; if (target != "") close(target); next }
inblock && target != "" { print >> target }
END { exit bad }
' "$guide"
assert_eq 0 "$?" "every block of the guide is an example that runs, or text"

# Timestamps and hashes change with every run and every edit of the rule library.
mask() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z/<horodatage>/g; s/[0-9a-f]{12}…/<empreinte>…/g; s/[0-9a-f]{64}/<sha256>/g'; }

for block in "$WORK"/console/*; do
    [[ -e $block ]] || continue
    read -r start <"$block"
    tail -n +2 "$block" >"$block.body"
    console_block docs/guide-instructeur.md "$start" "$block.body" "$T" mask
done
CHECKS=$((CHECKS + 1))
((CONSOLE_COMMANDS >= 10)) || fail "the guide runs only $CONSOLE_COMMANDS commands"

# The guide's documents, once imported, are the store's: every one of seeds/ is in it.
for f in "$T"/seeds/*/*.yaml; do
    id=$(grep -m1 '^id:' "$f" | awk '{print $2}')
    assert_eq 1 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) > 0 FROM documents WHERE id = '$id'")" \
        "the guide's $(basename "$f") is imported"
done
finish
