# Variants of the seed project: equipment over its cap, MEL's earmark above
# the staff costs, an unbalanced plan, shares that break the parity. Each
# fails exactly the rule concerned. Variants of the seed apply to the MEL and
# FEDER calls: they are checked against the MEL call (--call).
source "$(dirname "$0")/lib.sh"
import_seeds
seed=$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml

# Equipment at 95 000 € (services lowered by 14 180 € so the plan still balances).
sed -e 's/"80 820,00 €" }/"95 000,00 €" }/' -e 's/"569 180,00 €"/"555 000,00 €"/' \
    -e 's/^id: centres-sociaux-connectes-2018/id: csc-materiel-95000/' "$seed" >"$WORK/equipment.yaml"
run eligo import "$WORK/equipment.yaml"
assert_eq 0 "$RC" "import equipment variant ($ERR)"
run eligo check csc-materiel-95000 --call mel-strategie-digitale-2018 --format json
assert_eq 1 "$RC" "exit code of an ineligible check"
assert_eq ineligible "$(jqr .outcome)" "outcome"
assert_eq "fail pass pass pass pass pass pass" "$(jqr '[.rules[].status] | join(" ")')" "only the equipment cap fails"
assert_eq "Matériel : 95 000,00 € > plafond 80 820,00 € (dépassement 14 180,00 €)" \
    "$(jqr '.rules[0].message')" "failing rule names 95 000,00 € and the cap"
assert_eq 9500000 "$(jqr '.rules[0].figures.amount')" "figure"
run eligo check csc-materiel-95000 --call mel-strategie-digitale-2018
assert_contains "$OUT" "ÉCHEC  plafond-materiel  Matériel : 95 000,00 € > plafond 80 820,00 €" "text line"
assert_contains "$(head -1 <<<"$OUT")" "NON ÉLIGIBLE" "text outcome"

# One cent over the cap fails; exactly at it passes (the seed).
sed -e 's/"80 820,00 €" }/"80 820,01 €" }/' -e 's/"569 180,00 €"/"569 179,99 €"/' \
    -e 's/^id: centres-sociaux-connectes-2018/id: csc-materiel-plus-1-cent/' "$seed" >"$WORK/cent.yaml"
run eligo import "$WORK/cent.yaml"
run eligo check csc-materiel-plus-1-cent --format json
assert_eq "fail pass pass pass pass pass pass" "$(jqr '[.rules[].status] | join(" ")' | head -1)" "one cent over the cap (MEL)"
assert_eq "pass fail pass" "$(jqr '[.rules[].status] | join(" ")' | sed -n 2p)" "one cent over the cap (FEDER)"

# MEL's earmark above the staff costs.
cat >"$WORK/earmark.yaml" <<'YAML'
kind: project
id: csc-flechage-excessif
title: "Variante : fléchage MEL supérieur aux frais de personnel"
applicants:
  - { name: "Centre social et culturel de l'Arbrisseau", status: association, commune: Lille }
period: { start: 2018-01-01, end: 2019-12-31 }
expenses:
  - { category: staff, label: "Coordinateur", amount: "50 000,00 €" }
  - { category: services, label: "Communication", amount: "150 000,00 €" }
  - { category: equipment, label: "Matériel", amount: "10 000,00 €" }
resources:
  - { financer: MEL, amount: "60 000,00 €", earmark: staff }
  - { financer: SELF, amount: "150 000,00 €" }
applies_to:
  - { call: mel-strategie-digitale-2018, requested: "60 000,00 €" }
YAML
run eligo import "$WORK/earmark.yaml"
assert_eq 0 "$RC" "import earmark variant ($ERR)"
run eligo check csc-flechage-excessif --format json
assert_eq 1 "$RC" "earmark variant is ineligible"
assert_eq "pass fail pass pass pass pass pass" "$(jqr '[.rules[].status] | join(" ")')" "only the earmark fails"
assert_eq "Fléché sur frais de personnel : 60 000,00 € > dépenses 50 000,00 € (excédent 10 000,00 €)" \
    "$(jqr '.rules[1].message')" "earmark message"

# MEL money not earmarked at all.
sed -e 's/, earmark: staff//' -e 's/^id: csc-flechage-excessif/id: csc-non-flechee/' \
    "$WORK/earmark.yaml" >"$WORK/unearmarked.yaml"
run eligo import "$WORK/unearmarked.yaml"
run eligo check csc-non-flechee --format json
assert_eq fail "$(jqr '.rules[1].status')" "MEL line without earmark"
assert_contains "$(jqr '.rules[1].message')" "non fléchée" "message says it is not earmarked"

# Unbalanced plan.
sed -e 's/SELF, amount: "150 000,00 €"/SELF, amount: "149 999,99 €"/' -e 's/^id: csc-flechage-excessif/id: csc-desequilibre/' \
    -e 's/"50 000,00 €"/"60 000,00 €"/' -e 's/"10 000,00 €"/"0,00 €"/' "$WORK/earmark.yaml" >"$WORK/unbalanced.yaml"
run eligo import "$WORK/unbalanced.yaml"
assert_eq 0 "$RC" "import unbalanced ($ERR)"
run eligo check csc-desequilibre --format json
assert_eq "pass pass pass fail pass pass pass" "$(jqr '[.rules[].status] | join(" ")')" "only the balance fails"
assert_eq "Dépenses 210 000,00 € ≠ ressources 209 999,99 € (écart 0,01 €)" "$(jqr '.rules[3].message')" \
    "balance message to the cent"
# Declared shares of 70 % and 30 % while the deliberation splits at parity.
sed -e '0,/share: "50 %"/s//share: "70 %"/' -e '0,/share: "50 %"/s//share: "30 %"/' \
    -e 's/^id: centres-sociaux-connectes-2018/id: csc-parts-inegales/' "$seed" >"$WORK/shares.yaml"
run eligo import "$WORK/shares.yaml"
assert_eq 0 "$RC" "import unequal shares ($ERR)"
run eligo check csc-parts-inegales --call mel-strategie-digitale-2018 --format json
assert_eq "pass pass pass pass fail pass pass" "$(jqr '[.rules[].status] | join(" ")')" "only the parity split fails"
assert_eq "Répartition à parité prévue, mais parts déclarées inégales : 42 000,00 € à Association de gestion des centres socioculturels Belencontre et Phalempins ; 18 000,00 € à Centre social et culturel de l'Arbrisseau" \
    "$(jqr '.rules[4].message')" "split message names the declared parts"
assert_eq 1 "$(jqr '.rules[5].notices | length')" "conventions follow the declared shares: 42 000 € needs one, 18 000 € none"
finish
