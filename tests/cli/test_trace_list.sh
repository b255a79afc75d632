# trace list filters stored decisions by project, call, outcome and date,
# in text and JSON; trace show puts failing rules first, with colour only
# on a terminal and never with NO_COLOR. Reading never writes.
source "$(dirname "$0")/lib.sh"
run eligo trace list
assert_eq 3 "$RC" "listing a store that does not exist"
assert_contains "$ERR" "pas de magasin $ELIGO_DB" "names the store it looked for"
assert_eq no "$([[ -e $ELIGO_DB ]] && echo yes || echo no)" "reading creates no store"
run eligo init
run eligo trace list
assert_eq 0 "$RC" "listing an empty store ($ERR)"
assert_eq "0 décision" "$OUT" "empty listing"

import_seeds
equipment_variant "$WORK/equipment.yaml"
eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null
eligo check csc-materiel-95000 --call mel-strategie-digitale-2018 >/dev/null
eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null
assert_eq 3 "$(rows decisions)" "three decisions stored"
snapshot=$(sqlite3 "$ELIGO_DB" "SELECT * FROM decisions" | sha256sum)

run eligo trace list
assert_eq 0 "$RC" "trace list ($ERR)"
assert_eq 5 "$(wc -l <<<"$OUT")" "header, three decisions, count"
assert_contains "$(sed -n 3p <<<"$OUT")" "  inéligible    2 000 000,00 €  csc-materiel-95000 (v1) → mel-strategie-digitale-2018" \
    "text line of decision 2"
assert_eq "3 décisions" "$(tail -1 <<<"$OUT")" "count line"
assert_eq "    n°  date (UTC)                résultat       coût éligible  projet (version) → appel" \
    "$(head -1 <<<"$OUT")" "header aligned on the columns"

run eligo trace list --format json
assert_eq "1 2 3" "$(jq -r .decision_id <<<"$OUT" | xargs)" "JSON Lines, oldest first"
assert_eq "eligible ineligible eligible" "$(jq -r .outcome <<<"$OUT" | xargs)" "outcomes"
assert_eq 200000000 "$(jq -r 'select(.decision_id == 1) | .figures.eligible_cost' <<<"$OUT")" "key figures listed"
assert_eq 64 "$(jq -r 'select(.decision_id == 1) | .project_sha256 | length' <<<"$OUT")" "project hash listed"
day=$(jq -r 'select(.decision_id == 1) | .created_at[0:10]' <<<"$OUT")

ids() { run eligo trace list --format json "$@"; jq -r .decision_id <<<"$OUT" | xargs; }
assert_eq "2" "$(ids --project csc-materiel-95000)" "--project"
assert_eq "1 3" "$(ids --project centres-sociaux-connectes-2018)" "--project, other"
assert_eq "1 2 3" "$(ids --call mel-strategie-digitale-2018)" "--call"
assert_eq "" "$(ids --call no-such-call)" "--call matching nothing"
assert_eq "2" "$(ids --outcome ineligible)" "--outcome ineligible"
assert_eq "1 3" "$(ids --outcome eligible --project centres-sociaux-connectes-2018)" "filters combine"
assert_eq "" "$(ids --outcome error)" "--outcome error"
assert_eq "1 2 3" "$(ids --since "$day" --until "$day")" "one day, both bounds inclusive"
assert_eq "1 2 3" "$(ids --since "${day:0:7}")" "a month prefix"
assert_eq "" "$(ids --until 2000-12-31)" "--until before any decision"
assert_eq "" "$(ids --since 2999-01-01)" "--since after every decision"

run eligo trace list --outcome maybe
assert_eq 2 "$RC" "bad --outcome"
assert_contains "$ERR" "--outcome vaut eligible, ineligible, incomplete ou error" "names the values"
run eligo trace list --since 01/03/2024
assert_eq 2 "$RC" "a French date is not ISO"
assert_contains "$ERR" "--since attend une date ISO 8601" "names the option"
run eligo trace list 3
assert_eq 2 "$RC" "positional argument"
run eligo trace list --html
assert_eq 2 "$RC" "an option of another subcommand"
assert_contains "$ERR" "trace list : l'option --html ne s'applique pas" "names the option"
run eligo trace show 1 --until 2024
assert_contains "$ERR" "trace show : l'option --until ne s'applique pas" "a filter on show"
run eligo trace frobnicate
assert_eq 2 "$RC" "unknown subcommand"
assert_contains "$ERR" 'sous-commande de trace inconnue « frobnicate »' "names it"
run eligo trace --help
assert_eq 0 "$RC" "trace --help"
assert_contains "$OUT" "eligo trace diff A B" "usage lists the subcommands"
run eligo help
assert_contains "$OUT" "trace list  " "eligo help lists trace list"
assert_contains "$OUT" "réévalue une décision depuis le magasin" "eligo help lists replay"

# show: failing rules first, then the others in evaluation order.
run eligo trace show 2
assert_eq 0 "$RC" "trace show ($ERR)"
assert_eq "ÉCHEC  plafond-materiel" "$(grep -o '^  [^ ]* *[a-z-]*' <<<"$OUT" | head -1 | sed 's/^  //')" \
    "the failing rule comes first"
passing=$(eligo trace show 2 --format json | jq -r '[.rules[] | select(.status == "pass") | .id] | join(" ")')
assert_contains "$passing" "flechage-personnel-mel montant-mel equilibre" "the seed call's passing rules"
assert_eq "$passing" "$(grep '^  OK' <<<"$OUT" | awk '{print $2}' | xargs)" "then the passing ones in order"
assert_not_contains "$OUT" $'\033[' "no colour when piped"
run eligo trace show 2 --format json
assert_eq 2 "$(jqr .decision_id)" "trace show JSON"
assert_eq "plafond-materiel flechage-personnel-mel montant-mel equilibre" "$(jqr '[.rules[0:4][].id] | join(" ")')" \
    "JSON keeps evaluation order"
assert_eq "$(find "$SRC/seeds/financers" -name '*.yaml' | wc -l)" "$(jqr '.financer_versions | length')" \
    "financer versions pinned in the trace"
assert_eq "1 64" "$(jqr '.financer_versions[] | select(.financer == "MEL") | "\(.version) \(.sha256 | length)"')" \
    "with version and hash"
assert_eq 9500000 "$(jqr '.figures.expenses_by_category.equipment')" "key figures in the trace"
assert_eq 6000000 "$(jqr '.figures.financers[] | select(.financer == "MEL") | .requested')" "requested per financer"
assert_eq 0 "$(jqr '.figures.financers[] | select(.financer == "MEL") | .granted')" "granted per financer"
assert_eq MEL "$(jqr '.figures.call_financer')" "the call's financer"
run eligo trace show 99
assert_eq 3 "$RC" "unknown decision"
assert_contains "$ERR" "pas de décision n° 99 dans le magasin" "names it"
run eligo trace show abc
assert_eq 2 "$RC" "not a number"

# Colour: on a terminal only, and never with NO_COLOR.
tty_show() { script -qec "$ELIGO_BIN trace show 2" /dev/null; }
assert_contains "$(env -u NO_COLOR bash -c "$(declare -f tty_show); ELIGO_BIN=$ELIGO_BIN ELIGO_DB=$ELIGO_DB tty_show")" \
    $'\033[31m' "red on a terminal"
assert_not_contains "$(NO_COLOR=1 bash -c "$(declare -f tty_show); ELIGO_BIN=$ELIGO_BIN ELIGO_DB=$ELIGO_DB tty_show")" \
    $'\033[' "no colour with NO_COLOR"

assert_eq "$snapshot" "$(sqlite3 "$ELIGO_DB" "SELECT * FROM decisions" | sha256sum)" \
    "listing and showing leave decisions untouched"
assert_eq 3 "$(rows decisions)" "no decision added by reading"
finish
