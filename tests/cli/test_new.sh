# eligo new: each template imports as it is, in the order its references need (financer, call,
# project, award), and the new project checked against the new call with the rules template is
# eligible; ids given on the command line replace the placeholders everywhere; bad kinds, ids
# and arguments are usage errors; nothing touches the store.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# The templates with their default ids, one import each.
run eligo new financer
assert_eq 0 "$RC" "new financer"
printf '%s\n' "$OUT" >financer.yaml
assert_eq "# yaml-language-server: \$schema=../../schemas/financer.schema.json" "$(head -1 financer.yaml)" "the schema line first"
[[ ! -e $ELIGO_DB ]]
assert_eq 0 "$?" "eligo new opens no store"
eligo new call x >x.yaml
assert_eq 0 "$?" "new call x"
eligo new project p >p.yaml
assert_eq 0 "$?" "new project p"
run eligo import financer.yaml
assert_eq 0 "$RC" "the financer template imports as it is ($ERR)"
assert_contains "$OUT" "financer  NOUVEAU-FINANCEUR" "with its default id"
run eligo import x.yaml
assert_eq 0 "$RC" "the call template imports as it is ($ERR)"
assert_contains "$OUT" "call      x " "with the id given"
run eligo new project p --call x
printf '%s\n' "$OUT" >p.yaml
run eligo import p.yaml
assert_eq 0 "$RC" "the project template imports as it is ($ERR)"

# Its rules, from the rules template, in a private rules directory.
RULES=$WORK/rules
mkdir -p "$RULES/calls"
cp -r "$SRC/rules/lib" "$RULES/lib"
export ELIGO_RULES=$RULES
eligo new rules x >"$RULES/calls/x.lua"
run eligo check p --format json
assert_eq 0 "$RC" "the new project is eligible to the new call ($ERR)"
assert_eq "eligible" "$(jqr .outcome)" "outcome"
assert_eq "x" "$(jqr .call)" "checked against the new call"
assert_eq "porteurs-eligibles:pass periode-depot:pass plafond-aide:pass equilibre:pass" \
    "$(jqr '[.rules[] | "\(.id):\(.status)"] | join(" ")')" "every rule of the template passes"
assert_eq 3000000 "$(jqr .figures.eligible_cost)" "the template's budget: 30 000,00 €"
run eligo lint x.yaml
assert_eq 0 "$RC" "the call and rules templates lint clean: $OUT"

# The award of the new project on the new call, from the award template: it imports as it is
# and is published as one SCDL row.
run eligo new award s --project p --call x
assert_eq 0 "$RC" "new award s"
printf '%s\n' "$OUT" >s.yaml
assert_eq "# yaml-language-server: \$schema=../../schemas/award.schema.json" "$(head -1 s.yaml)" "the award's schema line"
assert_contains "$OUT" $'\nid: s\n' "the award's id"
assert_contains "$OUT" $'\nproject: p\ncall: x\n' "the project and the call given"
assert_contains "$OUT" "eligo export scdl --call x" "comments follow the call"
run eligo import s.yaml
assert_eq 0 "$RC" "the award template imports as it is ($ERR)"
run eligo export scdl --call x -o scdl.csv
assert_eq 0 "$RC" "the new award is published ($ERR)"
assert_eq 2 "$(wc -l <scdl.csv)" "a header and one row"
assert_contains "$(tail -1 scdl.csv)" "Association porteuse" "the template's beneficiary"

# Ids replace every placeholder; the comments are in French.
run eligo new project atelier --call tiers-lieux --financer VILLE
assert_contains "$OUT" $'\nid: atelier\n' "project id"
assert_contains "$OUT" "{ call: tiers-lieux, requested:" "the call referenced"
assert_contains "$OUT" "{ financer: VILLE, amount:" "the financer referenced"
assert_contains "$OUT" "eligo check atelier" "comments follow the id"
assert_not_contains "$OUT" "nouveau-projet" "no placeholder left"
assert_not_contains "$OUT" "NOUVEAU-FINANCEUR" "no placeholder left"
assert_contains "$OUT" "# Les dépenses : une ligne par poste." "comments in French"
run eligo new rules tiers-lieux --financer VILLE
assert_contains "$OUT" 'financer = "VILLE",' "rules name the financer"
run eligo new call c --financer VILLE --schema /usr/share/eligo/schemas/call.schema.json
assert_eq "# yaml-language-server: \$schema=/usr/share/eligo/schemas/call.schema.json" "$(head -1 <<<"$OUT")" "--schema"
assert_contains "$OUT" $'\nfinancer: VILLE\n' "call financer"
assert_contains "$OUT" "rules: calls/c.lua" "the rules file named after the call"
run eligo new --financer F financer
assert_contains "$OUT" $'\nid: F\n' "options before the kind"

# Usage.
run eligo new --help
assert_eq 0 "$RC" "help"
assert_contains "$OUT" "usage : eligo new project|call|financer|award|rules [ID]" "help text"
run eligo new
assert_eq 2 "$RC" "no kind"
assert_contains "$ERR" "quel modèle ?" "says a kind is needed"
run eligo new devis
assert_eq 2 "$RC" "unknown kind"
assert_contains "$ERR" "modèle inconnu « devis »" "names the kind"
run eligo new project "mon projet"
assert_eq 2 "$RC" "bad id"
assert_contains "$ERR" "identifiant invalide « mon projet »" "names the id"
run eligo new call c --financer "VILLE/2"
assert_eq 2 "$RC" "bad financer id"
run eligo new project a b
assert_eq 2 "$RC" "extra argument"
assert_contains "$ERR" "argument en trop « b »" "names it"
run eligo new project --frobnicate
assert_eq 2 "$RC" "unknown option"
assert_contains "$ERR" "« --frobnicate »" "names the option"
finish
