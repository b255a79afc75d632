#!/usr/bin/env bash
# eligo import cerfa: the Dauphin-shaped CERFA 12156*06 budget of FORMATS.md §2 becomes a
# project document (categories by account, one resource per 74 line, autofinancement, 86/87 in
# kind shown but out of the cash budget), checked as the form states, and the completed
# document checks against a seed call.
source "$(dirname "$0")/lib.sh"
DATA=$SRC/tests/data/cerfa
import_seeds
run eligo import "$DATA/financers"
assert_eq 0 "$RC" "the Région and ASP financers ($ERR)"

complete=(--id dauphin-2015 --title "Fabrique numérique" --applicant "Association Dauphin"
          --rna W595000001 --commune Mons-en-Barœul --start 2015-01-01 --end 2015-12-31
          --call mons-fabrica-2015 --financer Commune=VILLE-MONS --financer Département=CD59)
run eligo import cerfa "$DATA/dauphin.csv" -o "$WORK/dauphin.yaml" "${complete[@]}"
assert_eq 0 "$RC" "the budget reads ($ERR)"
assert_eq "$DATA/dauphin.csv : 15 dépense(s), 9 ressource(s) : charges 141 112,00 € = produits 141 112,00 €, dont 74 : 118 425,00 € ; en nature (86 = 87) : 116 000,00 €" \
    "$ERR" "totals: 74 subtotal 118 425 €, total 141 112 €"
Y=$(cat "$WORK/dauphin.yaml")
assert_contains "$Y" '  - { category: other, label: "601 Achats matières et fournitures", amount: "8 974,00 €" }' "601 other"
assert_contains "$Y" '  - { category: services, label: "613 Locations", amount: "4 550,00 €" }' "61x services"
assert_contains "$Y" '  - { category: travel, label: "625 Déplacements, missions", amount: "2 279,00 €" }' "625 travel"
assert_contains "$Y" '  - { category: services, label: "62x Services bancaires, autres", amount: "755,00 €" }' "62x services"
assert_contains "$Y" '  - { category: staff, label: "645 Charges sociales", amount: "27 761,00 €" }' "64x staff"
assert_contains "$Y" '  - { category: other, label: "66x Charges financières", amount: "83,00 €" }' "66x other"
assert_eq 15 "$(grep -c '^  - { category: ' <<<"$Y")" "15 expense lines, the subtotals 60, 61, 62, 64 not counted twice"
assert_contains "$Y" '  - { financer: ETAT, label: "74 État : direction régionale (DRAJES)", amount: "48 535,00 €", status: requested }' "État, first service"
assert_contains "$Y" '  - { financer: ETAT, label: "74 État : ministère de la Culture", amount: "7 000,00 €", status: granted }' "État, the voted 7 000 €"
assert_contains "$Y" '  - { financer: CD59, label: "74 Département(s) : Nord", amount: "9 000,00 €", status: requested }' "--financer mapping"
assert_contains "$Y" '  - { financer: VILLE-MONS, label: "74 Commune(s) : Mons-en-Barœul", amount: "9 100,00 €", status: requested }' "the commune"
assert_contains "$Y" '  - { financer: CAF, label: "74 Organismes sociaux : CAF du Nord", amount: "1 890,00 €", status: requested }' "CAF"
assert_contains "$Y" '  - { financer: ASP, label: "74 ASP (emplois aidés)", amount: "8 500,00 €", status: granted }' "ASP"
assert_contains "$Y" '  - { financer: SELF, label: "Autofinancement Ressources propres affectées au projet", amount: "22 687,00 €", status: granted }' "autofinancement"
assert_eq 8 "$(grep -c '^  - { financer: .*label: "74 ' <<<"$Y")" "one resource per 74 line"
assert_contains "$Y" "# Contributions in kind, outside the cash budget (86 = 87 = 116 000,00 €):
#   864 Personnel bénévole: 116 000,00 €
#   870 Bénévolat: 116 000,00 €" "86/87 shown, out of the budget"
assert_contains "$Y" 'applies_to:
  - { call: mons-fabrica-2015, requested: "9 100,00 €" }' "the request is the call's financer's line"

run eligo import "$WORK/dauphin.yaml"
assert_eq 0 "$RC" "the document imports ($ERR)"
run eligo check dauphin-2015 --format json
assert_eq 0 "$RC" "eligible to the seed call ($OUT $ERR)"
assert_eq "eligible" "$(jqr '.outcome')" "outcome"
assert_eq 14111200 "$(jqr '.figures.eligible_cost')" "eligible cost 141 112 €"
assert_eq 14111200 "$(jqr '.figures.total_resources')" "resources 141 112 €, in kind left out"
assert_eq "pass" "$(jqr '.rules[] | select(.id == "equilibre") | .status')" "balanced"

# Without the officer's fields, the document says what is left to complete.
run eligo import cerfa "$DATA/dauphin.csv" -o "$WORK/incomplete.yaml"
assert_eq 0 "$RC" "an incomplete document is written"
assert_contains "$(cat "$WORK/incomplete.yaml")" "# applicants: [{ name: ..., status: association, siret: ... }]" "applicants to complete"
run eligo import "$WORK/incomplete.yaml"
assert_eq 3 "$RC" "it does not import as it is"
assert_contains "$ERR" 'champ « applicants » manquant' "names what is missing"

# What the form states is checked, at the line.
bad() { # name sed-expression expected-error
    sed "$2" "$DATA/dauphin.csv" >"$WORK/$1.csv"
    run eligo import cerfa "$WORK/$1.csv"
    assert_eq 3 "$RC" "$1: refused"
    assert_eq "eligo: $WORK/$1.csv$3" "$ERR" "$1: the error"
}
bad cents 's/^613;Locations;4550;/613;Locations;4550,50;/' \
    ':7:3: amount: « 4550,50 » : euros entiers seulement (le formulaire dit « ne pas indiquer les centimes »)'
bad subtotal 's/^61;Services extérieurs;7010;/61;Services extérieurs;7000;/' \
    ':6:3: amount: le compte 61 indique 7 000,00 €, ses sous-comptes totalisent 7 010,00 €'
bad total74 's/^Total 74;Subventions d.exploitation;118425;/Total 74;Subventions;118000;/' \
    ":33:3: amount: le total 74 indique 118 000,00 €, les lignes totalisent 118 425,00 €"
bad unbalanced 's/^Autofinancement;Ressources propres affectées au projet;22687;/Autofinancement;Ressources propres;20000;/; /^Total;Total des produits;/d; /avec les contributions/d' \
    ':37: le budget n'"'"'est pas équilibré : charges 141 112,00 €, produits 138 425,00 € (le formulaire exige total des charges = total des produits)'
bad inkind 's/^870;Bénévolat;116000;/870;Bénévolat;100000;/; /avec les contributions/d' \
    ':38: les contributions en nature ne s'"'"'équilibrent pas : 86 116 000,00 €, 87 100 000,00 € (le formulaire exige 86 = 87)'
bad financer 's/^74;ASP (emplois aidés);8500;accordé/74;Mécène anonyme;8500;accordé/' \
    ':32:2: label: 74 « Mécène anonyme » : quel financeur ? (État, Région, Département, intercommunalité, commune, CAF, fonds européens, ASP, aides privées..., ou --financer MOT-CLÉ=ID)'
bad account 's/^66x;Charges financières;83;/12;Capital;83;/' \
    ':22:1: account: « 12 » n'"'"'est pas un compte du budget CERFA'
run eligo import cerfa "$DATA/dauphin.csv" --call mons-fabrica-2015
assert_eq 3 "$RC" "no line of the call's financer without the mapping"
assert_contains "$ERR" "aucune ligne de ressources de VILLE-MONS, le financeur de l'appel mons-fabrica-2015" "says so"

finish
