# The seed project of deliberation 001 is eligible to the MEL call and to the
# FEDER ITI call, with every rule passing and its figures exact (maximum
# grantable with its limiting rule, parity split, convention notices); the
# decisions are stored with their hashes and shown again identically by
# `trace show`.
source "$(dirname "$0")/lib.sh"
import_seeds

run eligo check centres-sociaux-connectes-2018 --format json
assert_eq 0 "$RC" "exit code of an eligible check ($ERR)"
assert_eq 2 "$(wc -l <<<"$OUT")" "two decisions (two calls), one JSON line each"
both=$OUT
OUT=$(sed -n 2p <<<"$both")
assert_eq feder-iti-inclusion-numerique-2018 "$(jqr .call)" "second call: FEDER ITI"
assert_eq eligible "$(jqr .outcome)" "FEDER outcome"
assert_eq 2 "$(jqr .decision_id)" "FEDER decision id"
assert_eq "taux-feder plafond-materiel equilibre" "$(jqr '[.rules[].id] | join(" ")')" "FEDER rules"
assert_eq "FEDER : 1 300 000,00 € pour un coût éligible de 2 000 000,00 €, soit 65,00 % (plafond 65 % : 1 300 000,00 €)" \
    "$(jqr '.rules[0].message')" "FEDER exactly at 65 % of the eligible cost"
assert_eq "130000000 taux-feder" "$(jqr '"\(.figures.max_grantable) \(.figures.max_grantable_rule)"')" \
    "FEDER maximum grantable: 65 % of 2 000 000 €"
assert_eq "65/100" "$(jqr '.parameters[] | select(.name == "max_rate_feder") | "\(.value.num)/\(.value.den)"')" \
    "FEDER rate parameter, exact"
OUT=$(sed -n 1p <<<"$both")
assert_eq eligible "$(jqr .outcome)" "outcome"
assert_eq centres-sociaux-connectes-2018 "$(jqr .project)" "project"
assert_eq mel-strategie-digitale-2018 "$(jqr .call)" "call"
assert_eq 1 "$(jqr .decision_id)" "decision id"
assert_eq "plafond-materiel flechage-personnel-mel montant-mel equilibre repartition-parite convention-objectifs beneficiaires-associations" \
    "$(jqr '[.rules[].id] | join(" ")')" "rules in evaluation order"
assert_eq "pass pass pass pass pass pass pass" "$(jqr '[.rules[].status] | join(" ")')" "rule statuses"
assert_eq "6000000 montant-mel" "$(jqr '"\(.figures.max_grantable) \(.figures.max_grantable_rule)"')" \
    "MEL maximum grantable: its 60 000 € ceiling"
assert_eq "60 000,00 € répartis : 30 000,00 € à Association de gestion des centres socioculturels Belencontre et Phalempins ; 30 000,00 € à Centre social et culturel de l'Arbrisseau" \
    "$(jqr '.rules[4].message')" "MEL grant split at parity, 30 000 € each"
assert_eq "3000000 3000000" "$(jqr '[.rules[4].figures.parts[].amount] | join(" ")')" "parts in cents"
assert_eq 2 "$(jqr '.rules[5].notices | length')" "a convention notice per association"
assert_eq "Convention obligatoire avec Centre social et culturel de l'Arbrisseau : subvention de 30 000,00 € > 23 000,00 € (loi 2000-321, art. 10)" \
    "$(jqr '.rules[5].notices[1]')" "convention notice text"
assert_contains "$(jqr '.rules[5].basis')" "2000-321" "convention basis: loi 2000-321"
assert_eq 200000000 "$(jqr .figures.eligible_cost)" "eligible cost 2 000 000 €"
assert_eq 200000000 "$(jqr .figures.total_resources)" "resources 2 000 000 €"
assert_eq 6000000 "$(jqr .figures.requested)" "requested 60 000 €"
assert_eq "FEDER:130000000:6500 ETAT:30000000:1500 CD59:20000000:1000 CAF:14000000:700 MEL:6000000:300" \
    "$(jqr '[.figures.financers[] | "\(.financer):\(.amount):\(.share_bp)"] | join(" ")')" \
    "amounts and shares per financer (65/15/10/7/3 %)"
assert_eq 10000 "$(jqr .figures.public_share_bp)" "all resources are public"
assert_eq 8082000 "$(jqr '.rules[0].figures.amount')" "equipment figure"
assert_eq 8082000 "$(jqr '.rules[0].figures.max')" "equipment cap figure"
assert_eq "Matériel : 80 820,00 € ≤ plafond 80 820,00 €" "$(jqr '.rules[0].message')" \
    "equipment exactly at the cap passes"
assert_eq "rules/calls/mel-strategie-digitale-2018.lua:6" "$(jqr '.rules[0].source')" \
    "source line of the ceiling rule"
assert_eq "equipment" "$(jqr '.rules[0].facts["expenses[6].category"]')" "fact read by the rule"
assert_eq 8082000 "$(jqr '.rules[0].facts["expenses[6].amount"]')" "amount fact read"
assert_eq 8082000 "$(jqr '.rules[0].facts["params.max_equipment"]')" "parameter fact"
assert_contains "$(jqr '.rules[0].basis')" "01/03/2018" "legal basis from the call"
assert_eq 64 "$(jqr '.project_sha256 | length')" "project sha256"
assert_eq 64 "$(jqr '.ruleset_sha256 | length')" "ruleset sha256"
assert_eq "$(sha256sum <"$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml" | cut -d' ' -f1)" \
    "$(jqr .project_sha256)" "project sha256 is the document's"
assert_eq "rules/calls/mel-strategie-digitale-2018.lua" \
    "$(jqr '[.rule_files[].path | select(startswith("rules/calls"))] | join(" ")')" "call file recorded"
assert_eq "$(sha256sum <"$SRC/rules/calls/mel-strategie-digitale-2018.lua" | cut -d' ' -f1)" \
    "$(jqr '.rule_files[] | select(.path == "rules/calls/mel-strategie-digitale-2018.lua") | .sha256')" \
    "call file hash"
first=$OUT

# Stored, with the hashes and rule sources.
assert_eq 2 "$(rows decisions)" "two decisions stored"
assert_eq "eligible" "$(sqlite3 "$ELIGO_DB" 'SELECT outcome FROM decisions WHERE id = 1')" "stored outcome"
assert_eq "$(jq -r .project_sha256 <<<"$first")" \
    "$(sqlite3 "$ELIGO_DB" 'SELECT project_sha256 FROM decisions WHERE id = 1')" "stored project hash"
assert_eq "$(jq -r .ruleset_sha256 <<<"$first")" \
    "$(sqlite3 "$ELIGO_DB" 'SELECT ruleset_sha256 FROM decisions WHERE id = 1')" "stored ruleset hash"
assert_eq "$(jq -r '.rule_files[].sha256' <<<"$both" | sort -u | wc -l)" "$(rows rule_sources)" \
    "rule sources stored by content, once each"

run eligo trace show 1 --format json
assert_eq 0 "$RC" "trace show exit code ($ERR)"
assert_eq "$(jq -S 'del(.rules[].duration_us)' <<<"$first")" "$(jq -S 'del(.rules[].duration_us)' <<<"$OUT")" \
    "trace show prints the stored decision"

# Text: French money format, one line per rule.
run eligo check centres-sociaux-connectes-2018
assert_eq 0 "$RC" "text check exit code"
assert_contains "$OUT" "Décision n° 3 : ÉLIGIBLE" "outcome line"
assert_contains "$OUT" "Décision n° 4 : ÉLIGIBLE" "outcome line of the FEDER decision"
assert_contains "$OUT" "Montant maximal    : 60 000,00 € (règle montant-mel)" "maximum grantable line"
assert_contains "$OUT" "Coût éligible      : 2 000 000,00 €" "eligible cost line"
assert_contains "$OUT" "plafond-materiel  Matériel : 80 820,00 € ≤ plafond 80 820,00 €" "rule line"
assert_eq 10 "$(grep -c '^  OK' <<<"$OUT")" "ten passing rule lines (7 MEL, 3 FEDER)"
assert_not_contains "$OUT" $'\033[' "no colour when not on a terminal"

run eligo trace show 2
assert_eq 0 "$RC" "trace show text"
assert_contains "$OUT" "Décision n° 2 : ÉLIGIBLE" "trace show text outcome"

# --facts: under each rule, the facts it read and the figures it computed.
run eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 --facts
assert_eq 0 "$RC" "check --facts"
assert_contains "$OUT" "         lu params.max_equipment = 80 820,00 €" "money parameter in euros"
assert_contains "$OUT" "         lu expenses[6].category = equipment" "text fact"
assert_contains "$OUT" "         lu expenses[6].amount = 80 820,00 €" "amount fact in euros"
assert_contains "$OUT" "         calculé max = 80 820,00 €" "figure"
run eligo --facts trace show 1
assert_contains "$OUT" "         lu expenses[6].amount = 80 820,00 €" "trace show --facts, option anywhere"
run eligo trace show 1
assert_not_contains "$OUT" "         lu " "no facts without --facts"
finish
