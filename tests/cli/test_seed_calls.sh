# Every call and project of the source documents (seeds 000, 001, 002, 004):
# each seed project gets the outcome its document implies, with the legal
# basis, the edition and the figures in the trace; annex 2 of seed 004 has
# its TOTAL row reported against its rows with the exact amounts; and one
# project is judged differently under the 2012 and the 2013 edition of the
# MEL "appel à projets aux territoires".
source "$(dirname "$0")/lib.sh"
import_seeds

# outcome_of PROJECT CALL: the outcome of the decision for CALL in $OUT.
outcome_of() { jq -r --arg c "$1" 'select(.call == $c) | .outcome' <<<"$OUT"; }
statuses_of() { jq -r --arg c "$1" 'select(.call == $c) | [.rules[] | "\(.id)=\(.status)"] | join(" ")' <<<"$OUT"; }
field_of() { jq -r --arg c "$1" "select(.call == \$c) | $2" <<<"$OUT"; }

# ---- seed 004: the appel à projets aux territoires, annex 1 -----------------
apt=mel-appel-projets-territoires
for p in lille-transfert-savoir-faire-2012 val-de-marque-agriculture-durable hem-mde-val-de-marque-ess cine-cite-social; do
    run eligo check "$p" --format json
    assert_eq 0 "$RC" "$p: eligible, exit 0 ($ERR)"
    assert_eq eligible "$(outcome_of $apt)" "$p: outcome"
    assert_eq "11000000 enveloppe" "$(field_of $apt '"\(.figures.max_grantable) \(.figures.max_grantable_rule)"')" \
        "$p: maximum grantable is the 110 000 € envelope"
    assert_contains "$(field_of $apt .basis)" "appel à projets aux territoires et aux communes" "$p: legal basis"
done
run eligo check lille-transfert-savoir-faire-2012 --format json
assert_eq "2012 2012-01-01" "$(field_of $apt '"\(.edition.name) \(.edition.from)"')" "Lille 2012 judged under the 2012 edition"
assert_eq "not-applicable" "$(field_of $apt '.rules[] | select(.id == "participation-minimale-maitre-ouvrage") | .status')" \
    "L1111-10 does not apply to operating actions"
assert_contains "$(field_of $apt '.rules[] | select(.id == "participation-minimale-maitre-ouvrage") | .basis')" "L1111-10" \
    "L1111-10 named as the basis"
run eligo check cine-cite-social --format json
assert_eq "pass 0" "$(field_of $apt '.rules[] | select(.id == "convention-objectifs") | "\(.status) \(.notices | length)"')" \
    "4 730 € to an association: no convention required"
assert_eq 2012 "$(field_of $apt .edition.name)" "Ciné cité social under the 2012 edition"

# Annex 1: « 4 projets soutenus pour un montant global de 171 663 € », Lille's
# 73 000 € counted for 2012 and for 2013.
run eligo check lille-transfert-savoir-faire-2013 --format json
assert_eq 1 "$RC" "Lille 2013: one decision ineligible, exit 1"
assert_eq 2 "$(wc -l <<<"$OUT")" "Lille 2013 applies to two calls"
assert_eq eligible "$(outcome_of $apt)" "Lille 2013 is eligible to the appel à projets"
assert_eq 2013 "$(field_of $apt .edition.name)" "Lille 2013 judged under the 2013 edition"
assert_eq "14054500 14054500" "$(field_of $apt '"\(.figures.eligible_cost) \(.figures.total_resources)"')" \
    "the rows of annex 2 sum to 140 545 € both ways"
total=$(sqlite3 "$ELIGO_DB" "SELECT sum(r) FROM (SELECT project, max(json_extract(figures, '$.requested')) AS r
    FROM decisions WHERE call = '$apt' GROUP BY project)")
assert_eq 17166300 "$total" "annex 1: the supported projects total 171 663 €"

# ---- seed 004, annex 2: every action balances, the TOTAL row does not ------------
an=mel-apt-lille-annexe2-2013
assert_eq ineligible "$(outcome_of $an)" "annex 2 programme check: ineligible"
assert_eq "porteur-ville=pass equilibre-par-action=pass totaux-annexe-2=fail" "$(statuses_of $an)" \
    "each action balances; the declared totals fail"
assert_eq "12 actions équilibrées, financements = réalisations" \
    "$(field_of $an '.rules[] | select(.id == "equilibre-par-action") | .message')" "12 actions balanced"
msg=$(field_of $an '.rules[] | select(.id == "totaux-annexe-2") | .message')
assert_contains "$msg" "7 écart(s)" "seven differences"
assert_contains "$msg" "Lille Métropole : déclaré 73 000,00 €, somme des lignes 59 827,00 € (écart 13 173,00 €)" "MEL column"
assert_contains "$msg" "Ville de Lille : déclaré 96 891,00 €, somme des lignes 80 718,00 € (écart 16 173,00 €)" "Ville column"
assert_contains "$msg" "dont réalisation ville de Lille : déclaré 69 300,00 €, somme des lignes 61 300,00 € (écart 8 000,00 €)" \
    "city column"
assert_contains "$msg" "dont réalisation opérateur externe : déclaré 100 590,00 €, somme des lignes 79 245,00 € (écart 21 345,00 €)" \
    "external operators column"
assert_contains "$msg" "Total (dépenses) : déclaré 169 891,00 €, somme des lignes 140 545,00 € (écart 29 346,00 €)" "total column"
assert_contains "$msg" "Total déclaré des dépenses : 69 300,00 € + 100 590,00 € = 169 890,00 € ≠ total déclaré 169 891,00 € (écart 1,00 €)" \
    "the declared row does not balance one way"
assert_not_contains "$msg" "Total déclaré des ressources" "73 000 + 96 891 = 169 891 does"
assert_eq "7300000 5982700 1317300" \
    "$(field_of $an '.rules[] | select(.id == "totaux-annexe-2") | .figures.rows[0] | "\(.declared) \(.computed) \(.difference)"')" \
    "figures in cents"
run eligo check lille-transfert-savoir-faire-2013
assert_contains "$OUT" "ÉCHEC  totaux-annexe-2  7 écart(s) : Lille Métropole" "text output names the differences"

# ---- editions: the same project under the 2012 and the 2013 edition ------------------
sed -e 's/^id: lille-transfert-savoir-faire-2013/id: lille-2013-depose-2012/' \
    -e 's/^period: { start: 2013-01-01, end: 2013-12-31 }/&\nsubmitted: 2012-12-14/' \
    "$SRC/seeds/projects/lille-transfert-savoir-faire-2013.yaml" >"$WORK/depose-2012.yaml"
run eligo import "$WORK/depose-2012.yaml"
assert_eq 0 "$RC" "import the project submitted in 2012 ($ERR)"
run eligo check lille-2013-depose-2012 --call $apt --format json
assert_eq ineligible "$(jqr .outcome)" "submitted in 2012: judged under the 2012 edition, ineligible"
assert_eq "2012 2012-01-01" "$(jqr '"\(.edition.name) \(.edition.from)"')" "the trace names the 2012 edition"
assert_eq "fail" "$(jqr '.rules[] | select(.id == "periode-edition") | .status')" "period outside 2012"
assert_eq "Projet du 2013-01-01 au 2013-12-31, hors de la période éligible du 2012-01-01 au 2012-12-31" \
    "$(jqr '.rules[] | select(.id == "periode-edition") | .message')" "period message"
assert_eq "period_end=2012-12-31@2012 period_start=2012-01-01@2012" \
    "$(jqr '[.parameters[] | select(.name | startswith("period")) | "\(.name)=\(.value)@\(.edition)"] | sort | join(" ")')" \
    "parameters with the edition they came from"
sed -i 's/^submitted: 2012-12-14/submitted: 2013-01-02/' "$WORK/depose-2012.yaml"
run eligo import "$WORK/depose-2012.yaml"
run eligo check lille-2013-depose-2012 --call $apt --format json
assert_eq eligible "$(jqr .outcome)" "submitted in 2013: judged under the 2013 edition, eligible"
assert_eq "2013" "$(jqr .edition.name)" "the trace names the 2013 edition"
assert_eq "period_end=2013-12-31@2013 period_start=2013-01-01@2013" \
    "$(jqr '[.parameters[] | select(.name | startswith("period")) | "\(.name)=\(.value)@\(.edition)"] | sort | join(" ")')" \
    "2013 parameters"

# ---- seed 002: création solidaire on the Couronne Sud ------------------------------
cs=creation-solidaire-couronne-sud-2011
run eligo check creation-solidaire-couronne-sud-2011 --format json
assert_eq 0 "$RC" "création solidaire: eligible ($ERR)"
assert_eq "territoire-couronne-sud=pass porteurs-ess=pass equilibre=pass" "$(statuses_of $cs)" "all rules pass"
assert_eq "13 commune(s) vérifiée(s), toutes dans le territoire de l'appel (13 communes)" \
    "$(field_of $cs '.rules[0].message')" "the 13 communes"
assert_eq "Noyelles-lès-Seclin" "$(field_of $cs '.rules[0].facts["params.communes[7]"]')" "official name of the 8th commune"
run eligo check forum-solidarite-fives-2011 --format json
assert_eq 1 "$RC" "Fives forum: ineligible"
assert_eq "territoire-couronne-sud=fail porteurs-ess=pass equilibre=pass" "$(statuses_of $cs)" "only the territory fails"
assert_eq "Hors du territoire de l'appel (13 communes) : Lille" "$(field_of $cs '.rules[0].message')" "Lille named"

# ---- seed 000: Mons Fabrica --------------------------------------------------------------
run eligo check mons-fabrica-prefiguration-2015 --format json
assert_eq 0 "$RC" "Mons Fabrica: eligible ($ERR)"
assert_eq "beneficiaire-association=pass territoire-mons=pass exercice-2015=pass convention-objectifs=pass equilibre=pass" \
    "$(statuses_of mons-fabrica-2015)" "all rules pass"
assert_eq "Convention obligatoire avec Association Nord Internet Solidaire : subvention de 30 000,00 € > 23 000,00 € (loi 2000-321, art. 10)" \
    "$(jqr '.rules[] | select(.id == "convention-objectifs") | .notices[0]')" "convention notice"
assert_contains "$(jqr .basis)" "2 avril 2015" "the council's deliberation as basis"

# ---- every seed project: the outcome its document implies ---------------------------------
expected="centres-sociaux-connectes-2018 feder-iti-inclusion-numerique-2018 eligible
centres-sociaux-connectes-2018 mel-strategie-digitale-2018 eligible
cine-cite-social mel-appel-projets-territoires eligible
creation-solidaire-couronne-sud-2011 creation-solidaire-couronne-sud-2011 eligible
forum-solidarite-fives-2011 creation-solidaire-couronne-sud-2011 ineligible
hem-mde-val-de-marque-ess mel-appel-projets-territoires eligible
lille-transfert-savoir-faire-2012 mel-appel-projets-territoires eligible
lille-transfert-savoir-faire-2013 mel-appel-projets-territoires eligible
lille-transfert-savoir-faire-2013 mel-apt-lille-annexe2-2013 ineligible
mons-fabrica-prefiguration-2015 mons-fabrica-2015 eligible
val-de-marque-agriculture-durable mel-appel-projets-territoires eligible"
got=""
for f in "$SRC"/seeds/projects/*.yaml; do
    id=$(sed -n 's/^id: //p' "$f")
    run eligo check "$id" --format json
    assert_eq "" "$ERR" "$id: no error output"
    got+=$(jq -r '"\(.project) \(.call) \(.outcome)"' <<<"$OUT")$'\n'
done
assert_eq "$expected" "$(sort <<<"$got" | sed '/^$/d')" "outcome of every seed project and call"
finish
