# The rule authors' guide (docs/rules.md) cannot rot: every example in it
# runs here. Fenced blocks are read by their info string:
#   ```lua exemple                 code run inside a rule's check function
#                                   against the guide's example project; an
#                                   assert that fails makes the case fail
#   ```yaml fichier=PATH [scenario=NAME]   appended to PATH in the scenario's
#   ```lua  fichier=PATH [scenario=NAME]   tree (default scenario: guide)
#   ```console scenario=NAME        "$ eligo ..." lines are run in the
#                                   scenario's tree; the lines after each are
#                                   its exact output (stdout and stderr)
#   ```text                         not an example (a layout, a sketch)
# Every scenario tree starts with the rule library and the seed financers.
# Scenarios whose name starts with "erreur" show mistakes: they are only
# checked through their console blocks; every other scenario must lint
# clean and pass `eligo test --coverage` (the exemples scenario: `eligo
# test`, its rules are assertions that never fail).
# Every name a rule file may use (eligo lint --globals) has its own
# "#### `name`" section with a lua block, except Lua's own base functions.
source "$(dirname "$0")/lib.sh"
guide=$SRC/docs/rules.md
S=$WORK/s
mkdir -p "$S" "$WORK/console"

# Split the guide into scenario files, the examples file and console blocks.
awk -v S="$S" -v C="$WORK/console" -v guide="docs/rules.md" '
function attr(info, key,   n, i, parts, kv) {
    n = split(info, parts, /[ \t]+/)
    for (i = 2; i <= n; i++) {
        split(parts[i], kv, "=")
        if (kv[1] == key) return (kv[2] == "" ? "1" : kv[2])
    }
    return ""
}
function scen(name) {
    if (!(name in made)) {
        made[name] = 1
        system("mkdir -p \"" S "/" name "\"")
        print name > (S "/.scenarios")
    }
    return S "/" name
}
BEGIN { inblock = 0; ex = S "/exemples.lua" }
{
    line = $0
    if (!inblock && line ~ /^```[a-z]/) {
        info = substr(line, 4)
        lang = info; sub(/[ \t].*/, "", lang)
        mode = ""; target = ""
        if (attr(info, "exemple") != "") {
            mode = "exemple"
            printf "rule { id = \"exemple-%d\", title = \"Exemple de %s, ligne %d\", check = function(p)\n", NR, guide, NR > ex
        } else if (attr(info, "fichier") != "") {
            mode = "fichier"
            sc = attr(info, "scenario"); if (sc == "") sc = "guide"
            target = scen(sc) "/" attr(info, "fichier")
            d = target; sub(/\/[^\/]*$/, "", d)
            system("mkdir -p \"" d "\"")
            if (!(target in started)) { started[target] = 1; printf "" > target }
        } else if (lang == "console") {
            mode = "console"
            sc = attr(info, "scenario"); if (sc == "") sc = "guide"
            scen(sc)
            nconsole++
            target = sprintf("%s/%03d", C, nconsole)
            print sc " " NR > target
        } else if (lang != "text") {
            printf "%s:%d: a ```%s block must be `exemple`, `fichier=...`, console or text\n", guide, NR, lang > "/dev/stderr"
            bad = 1
        }
        inblock = 1
        if (mode != "exemple") print "" > ex
        next
    }
    if (inblock && line ~ /^```[ \t]*$/) {
        inblock = 0
        if (mode == "exemple") print "return true end }" > ex
        else print "" > ex
        if (target != "") close(target)
        mode = ""
        next
    }
    if (inblock && mode == "exemple") { print line > ex; next }
    if (inblock && mode == "fichier") { print line >> target }
    if (inblock && mode == "console") { print line >> target }
    print "" > ex
}
END { exit bad }
' "$guide"
assert_eq 0 "$?" "every block of the guide is an example that runs, or text"

scenarios=$(cat "$S/.scenarios")
for sc in $(printf '%s\n' $scenarios exemples | sort -u); do
    mkdir -p "$S/$sc/rules" "$S/$sc/seeds"
    cp -r "$SRC/rules/lib" "$S/$sc/rules/lib"
    cp -r "$SRC/seeds/financers" "$S/$sc/seeds/financers"
done

# The examples: a call whose rules are the guide's lua exemple blocks, line
# for line (an error at rules/calls/exemples.lua:N is docs/rules.md:N).
mkdir -p "$S/exemples/rules/calls" "$S/exemples/rules/tests"
mv "$S/exemples.lua" "$S/exemples/rules/calls/exemples.lua"
cat >"$S/exemples/rules/tests/exemples.yaml" <<'YAML'
call: exemples
documents: [../../seeds]
cases:
  - name: "Chaque exemple du guide"
    project: exemple
    expect: { outcome: eligible }
YAML
run env ELIGO_RULES="$S/exemples/rules" "$ELIGO_BIN" test "$S/exemples/rules/tests/exemples.yaml"
assert_eq 0 "$RC" "the guide's lua examples (errors at rules/calls/exemples.lua:N are docs/rules.md:N): $OUT $ERR"
assert_contains "$OUT" "1 cas : 1 ok" "examples ran"

for sc in $scenarios; do
    [[ $sc == erreur* || $sc == exemples ]] && continue
    (cd "$S/$sc" && ELIGO_RULES="$S/$sc/rules" "$ELIGO_BIN" lint) >"$WORK/out" 2>&1
    RC=$?
    assert_eq 0 "$RC" "scenario $sc lints clean: $(cat "$WORK/out")"
    (cd "$S/$sc" && ELIGO_RULES="$S/$sc/rules" "$ELIGO_BIN" test --coverage) >"$WORK/out" 2>&1
    RC=$?
    assert_eq 0 "$RC" "scenario $sc: eligo test --coverage passes: $(cat "$WORK/out")"
done

# Console blocks: each command's output exactly as the guide shows it.
for block in "$WORK"/console/*; do
    [[ -e $block ]] || continue
    read -r sc start <"$block"
    tail -n +2 "$block" >"$block.body"
    ELIGO_RULES="$S/$sc/rules" console_block docs/rules.md "$start" "$block.body" "$S/$sc"
done

# The library reference: a section with an example for every name.
base=" assert error ipairs next pairs select tonumber tostring type setmetatable getmetatable _VERSION math string table utf8 require "
while IFS= read -r name; do
    if [[ $base == *" $name "* ]]; then
        assert_contains "$(cat "$guide")" "\`$name\`" "the guide names Lua's $name"
        continue
    fi
    section=$(awk -v h="#### \`$name\`" '
        $0 == h || index($0, h " ") == 1 { on = 1; next }
        on && /^#/ { exit }
        on { print }' "$guide")
    CHECKS=$((CHECKS + 1))
    [[ -n $section ]] || { fail "docs/rules.md has no section \"#### \`$name\`\" (eligo lint --globals lists it)"; continue; }
    assert_contains "$section" '```lua' "the section of $name has an example"
done < <("$ELIGO_BIN" lint --globals)
finish
