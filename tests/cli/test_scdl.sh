#!/usr/bin/env bash
# SCDL « Subventions » 2.1.1: awards exported as open data and validated by a real Table
# Schema validator (tableschema, tests/tools/tableschema), the schema's own examples (the
# valid one round-trips byte for byte, the invalid ones give the validator's errors), and
# every real published file of tests/data/scdl imported with exact counts.
source "$(dirname "$0")/lib.sh"
DATA=$SRC/tests/data/scdl
TOOLS=$SRC/tests/tools/tableschema
SCHEMA=$DATA/schema-2.1.1.json

run "$TOOLS/install.sh"
assert_eq 0 "$RC" "the validator installs ($ERR)"
validate() { run node "$TOOLS/validate.js" "$SCHEMA" "$1"; }

# ---- export -------------------------------------------------------------------------------
import_seeds
run eligo import "$DATA/awards"
assert_eq 0 "$RC" "awards import ($ERR)"
assert_contains "$OUT" "award     mel-centres-sociaux-2018" "award listed"
assert_eq 2 "$(rows awards)" "two awards stored"

run eligo export scdl -o "$WORK/all.csv"
assert_eq 0 "$RC" "export ($ERR)"
assert_eq "5 ligne(s) écrite(s) dans $WORK/all.csv" "$ERR" "five beneficiaries"
validate "$WORK/all.csv"
assert_eq 0 "$RC" "the export validates against schema-2.1.1.json: $OUT"
assert_eq "" "$OUT" "no validator error"
assert_eq "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,dispositifAide" \
    "$(head -1 "$WORK/all.csv")" "the schema's header"
# FEDER at parity between three: 0.3334 + 0.3333 + 0.3333 = 1 exactly.
assert_eq "0.3334 0.3333 0.3333" "$(grep FEDER "$WORK/all.csv" | awk -F, '{printf "%s%s", s, $(NF-1); s=" "}')" \
    "FEDER shares"
assert_eq 3 "$(grep -c ',1300000,aide en numéraire;aide en nature,' "$WORK/all.csv")" \
    "montant is the grant's total on each row"
assert_contains "$(cat "$WORK/all.csv")" \
    "Métropole Européenne de Lille,99990000000012,2018-03-15,\"Délibération du Conseil de la MEL, exécutoire au 01/03/2018\",Association de gestion des centres socioculturels Belencontre et Phalempins,99990000100010,,Centres sociaux connectés — phase 2 (inclusion numérique),60000,aide en numéraire,échelonné,2018-04-01/2019-12-31,,non,0.5,Stratégie digitale — inclusion numérique" \
    "a whole MEL row, quoted where it holds a comma"
# Shares sum to exactly 1 per award, in integer ten-thousandths.
# (read with the validator's own CSV reader: some cells hold commas)
sums=$(node -e '
const { Table } = require(process.argv[1] + "/node_modules/tableschema");
Table.load(process.argv[2]).then((t) => t.read({ cast: false })).then((rows) => {
  const total = {};
  for (const r of rows) {
    const [whole, frac = ""] = r[14].split(".");
    const key = r[0] + "|" + r[2] + "|" + r[7];
    total[key] = (total[key] || 0) + Number(whole) * 10000 + Number((frac + "0000").slice(0, 4));
  }
  console.log(Object.values(total).join(" "));
});' "$TOOLS" "$WORK/all.csv")
assert_eq "10000 10000" "$sums" "each award's shares sum to 10000/10000"

run eligo export scdl --call mel-strategie-digitale-2018
assert_eq 0 "$RC" "export by call"
assert_eq 3 "$(wc -l <<<"$OUT")" "by call: header and the MEL's two rows"
run eligo export scdl --since 2018-06 --until 2018-12
assert_eq 4 "$(wc -l <<<"$OUT")" "by period: the FEDER award's three rows"
run eligo export scdl --funder 21060004500392
assert_eq 1 "$(wc -l <<<"$OUT")" "an unknown funder: the header only"
run eligo export scdl --funder 99990000000012 -o "$WORK/funder.csv"
assert_eq "5 ligne(s) écrite(s) dans $WORK/funder.csv" "$ERR" "by funder"

# The Data.Subvention draft columns, after the schema's 16: the MEL's award of 60 000 € on
# 60 000 € requested, co-financed by the plan's other financers (not the call's own, the MEL).
run eligo export scdl --call mel-strategie-digitale-2018 --data-subvention -o "$WORK/ds.csv"
assert_eq 0 "$RC" "export with the Data.Subvention columns ($ERR)"
assert_eq "$(head -1 "$WORK/all.csv"),statutLabel,montantDemande,exerciceBudgetaire,dateDecision,cofinancement,attribuantsCofinanceurs" \
    "$(head -1 "$WORK/ds.csv")" "the 16 columns, then the six"
ds=$(node -e '
const { Table } = require(process.argv[1] + "/node_modules/tableschema");
Table.load(process.argv[2]).then((t) => t.read({ cast: false })).then((rows) => {
  for (const r of rows) console.log(r.length + "|" + r.slice(16).join("|"));
});' "$TOOLS" "$WORK/ds.csv")
assert_eq "22|attribuée|60000|2018|2018-03-15|oui|Fonds européen de développement régional (programme opérationnel FEDER 2014-2020);État;Conseil départemental du Nord;Caisse d'allocations familiales du Nord
22|attribuée|60000|2018|2018-03-15|oui|Fonds européen de développement régional (programme opérationnel FEDER 2014-2020);État;Conseil départemental du Nord;Caisse d'allocations familiales du Nord" \
    "$ds" "each row: status, amount requested, year, date, the co-financers in plan order"
run eligo export scdl --call mel-strategie-digitale-2018 -o "$WORK/mel.csv"
assert_eq "$(cat "$WORK/mel.csv")" "$(sed -E 's/(,[^,]*){6}$//' "$WORK/ds.csv")" \
    "the first 16 columns are the plain export's"
validate "$WORK/ds.csv"
assert_eq 1 "$RC" "a Table Schema validator refuses the extra columns: not SCDL 2.1.1 strict"
run eligo export scdl --call feder-iti-inclusion-numerique-2018 --data-subvention
assert_contains "$OUT" ",oui,État;Conseil départemental du Nord;Caisse d'allocations familiales du Nord;Métropole Européenne de Lille" \
    "the FEDER award's co-financers leave out the FEDER"

run eligo export csv
assert_eq 2 "$RC" "unknown export format"

# An award stored by an older version that today's checks refuse is not published: the
# error names it and the field, and nothing is written.
sqlite3 "$ELIGO_DB" "INSERT INTO awards (id, version, sha256, body, source, project, call, funder_siret, convention_date) VALUES ('old', 1, '$(printf '%064d' 0)', CAST('kind: award
id: old
project: centres-sociaux-connectes-2018
call: mel-strategie-digitale-2018
funder: { name: MEL }
object: x
amounts: { voted: 10 }
convention: { date: 2018-01-01 }
nature: [cash]
payment: { conditions: unique, from: 2018-01-01 }
eu_notification: false
beneficiaries: [{ name: A, rna: W123456789 }]
' AS BLOB), 'old.yaml', 'p', 'c', '99990000000012', '2018-01-01')"
run eligo export scdl -o "$WORK/none.csv"
assert_eq 3 "$RC" "an award that cannot be published"
assert_eq "eligo: award old v1:5:9: funder: champ « siret » manquant" "$(head -1 <<<"$ERR")" \
    "names the award and the field"
[[ -e $WORK/none.csv ]] && fail "nothing written on error"

# An award naming a decision that is not on its project and call is refused at its line.
sed 's/^call: mel-strategie-digitale-2018$/call: mel-strategie-digitale-2018\ndecision: 7/' \
    "$DATA/awards/mel-centres-sociaux-2018.yaml" >"$WORK/with-decision.yaml"
run eligo import "$WORK/with-decision.yaml"
assert_eq 3 "$RC" "unknown decision"
assert_eq "eligo: $WORK/with-decision.yaml:10:11: decision: décision n° 7 inconnue" "$(head -1 <<<"$ERR")" \
    "the decision, located"
run eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018
id=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions")
sed "s/^decision: 7/decision: $id/" "$WORK/with-decision.yaml" >"$WORK/with-decision-ok.yaml"
run eligo import "$WORK/with-decision-ok.yaml"
assert_eq 0 "$RC" "an award following a stored decision ($ERR)"
assert_contains "$OUT" "mel-centres-sociaux-2018                 v2 nouvelle version" "a new version"

# ---- the schema's own examples ----------------------------------------------------------------
# The valid example round-trips: read, normalised, written back byte for byte, valid.
run eligo import scdl "$DATA/exemple_valide.csv" --normalize "$WORK/valide.csv"
assert_eq 0 "$RC" "import the valid example ($ERR)"
assert_eq "$DATA/exemple_valide.csv : UTF-8, séparateur « , » : 29 ligne(s) lue(s), 29 importée(s), 0 rejetée(s) (29 nouvelle(s), 0 déjà enregistrée(s))" \
    "$OUT" "the valid example, every row imported"
cmp -s "$DATA/exemple_valide.csv" "$WORK/valide.csv" || fail "exemple_valide.csv does not round-trip"
CHECKS=$((CHECKS + 1))
validate "$WORK/valide.csv"
assert_eq 0 "$RC" "the round trip validates"
run eligo import scdl --strict "$DATA/exemple_valide.csv"
assert_eq 0 "$RC" "strict: the valid example is valid"

# The invalid examples: --strict gives the validator's errors, the same cells.
for f in exemple_invalide_erreurs_cellules exemple_invalide_erreurs_colonnes; do
    validate "$DATA/$f.csv"
    assert_eq 1 "$RC" "$f: the validator refuses it"
    theirs=$(sed -E 's/^header: column ([0-9]+).*/1:\1/; s/^row ([0-9]+): column ([0-9]+).*/\1:\2/' <<<"$OUT" | sort)
    run eligo import scdl --strict "$DATA/$f.csv"
    assert_eq 3 "$RC" "$f: strict refuses it"
    ours=$(grep '^rejetée : ' <<<"$OUT" | sed -E "s|^rejetée : $DATA/$f.csv:([0-9]+):([0-9]+):.*|\1:\2|" | sort)
    assert_eq "$theirs" "$ours" "$f: the same errors as the validator"
    [[ $(wc -l <<<"$ours") -ge 16 ]] || fail "$f: too few errors compared"
done
run eligo import scdl --strict "$DATA/exemple_invalide_erreurs_colonnes.csv"
assert_contains "$OUT" "exemple_invalide_erreurs_colonnes.csv:1:5: nomBeneficiaire: la colonne 5 doit être nomBeneficiaire, trouvé « NOM_Beneficiaire »" \
    "a header error"
assert_contains "$OUT" "exemple_invalide_erreurs_colonnes.csv:6:9: montant: « 100000,10 » n'est pas un nombre (point décimal « . », sans espaces)" \
    "a cell error"

# ---- every real file, as it is -------------------------------------------------------------------
expect_import() { # file summary
    run eligo import scdl "$DATA/$1"
    assert_eq 0 "$RC" "$1 imports ($ERR)"
    assert_eq "$DATA/$1 : $2" "$(head -1 <<<"$(grep -v '^rejetée : ' <<<"$OUT")")" "$1: summary"
}
expect_import exemple_invalide_erreurs_cellules.csv \
    "UTF-8, séparateur « , » : 29 ligne(s) lue(s), 4 importée(s), 25 rejetée(s) (4 nouvelle(s), 0 déjà enregistrée(s))"
assert_contains "$OUT" "rejetée : $DATA/exemple_invalide_erreurs_cellules.csv:5:3: dateConvention: « 05/12/2016 » n'est pas une date AAAA-MM-JJ ou AAAA/MM/JJ" \
    "a day-first date is not guessed"
assert_contains "$OUT" "rejetée : $DATA/exemple_invalide_erreurs_cellules.csv:2:15: pourcentageSubvention: « 100 » n'est pas une part comprise entre 0 et 1" \
    "a share of 100 is not guessed to be 100 %"
assert_contains "$OUT" "rejetée : $DATA/exemple_invalide_erreurs_cellules.csv:8:6: idBeneficiaire: SIRET « 67895644300011 » a une clé de contrôle fausse" \
    "a SIRET's check digit"
assert_eq 25 "$(grep -c '^rejetée : ' <<<"$OUT")" "each rejected row explained"
expect_import exemple_invalide_erreurs_colonnes.csv \
    "UTF-8, séparateur « , » : 29 ligne(s) lue(s), 4 importée(s), 25 rejetée(s) (4 nouvelle(s), 0 déjà enregistrée(s))"
assert_contains "$OUT" "  4 ligne(s) dont le SIRET du financeur est inutilisable (chiffres perdus) : conservée(s) sans lui" "funder SIRETs"
expect_import poitiers-2017.csv \
    "UTF-8, séparateur « ; » : 562 ligne(s) lue(s), 6 importée(s), 556 rejetée(s) (6 nouvelle(s), 0 déjà enregistrée(s))"
assert_contains "$OUT" "rejetée : $DATA/poitiers-2017.csv:2:8: idBeneficiaire: SIRET « 45032466000000.0 » a été écrit comme un nombre et se termine par 00000 : chiffres perdus (non réparé)" \
    "Poitiers' float SIRETs with digits lost"
assert_eq 525 "$(grep -c 'se termine par 00000 : chiffres perdus' <<<"$OUT")" "525 SIRETs ending in 00000"
assert_eq 31 "$(grep -c 'sa clé de contrôle est fausse : chiffres perdus' <<<"$OUT")" "31 failing their check digit"
assert_contains "$OUT" "  6 SIRET écrit(s) comme nombre(s), tous les chiffres présents : conservé(s)" "the six complete ones"
assert_contains "$OUT" "  2 colonne(s) hors du schéma : ignorée(s)" "ANNEE and COLL_TYPE"
expect_import somme-2018-03-02.csv \
    "Windows-1252 après un BOM UTF-8, séparateur « ; » : 41 ligne(s) lue(s), 41 importée(s), 0 rejetée(s) (41 nouvelle(s), 0 déjà enregistrée(s))"
expect_import somme-2018-03-30.csv \
    "Windows-1252, séparateur « ; » : 11 ligne(s) lue(s), 11 importée(s), 0 rejetée(s) (11 nouvelle(s), 0 déjà enregistrée(s))"
assert_eq 95 "$(rows aid_received)" "29 + 4 + 4 + 6 + 41 + 11 rows stored"
# What was stored: Somme's French amount, slashed date and beneficiary (La Poste's SIRET).
assert_eq "35600000000048|356000000|2017-09-14|6765000|Département de la Somme" \
    "$(sqlite3 "$ELIGO_DB" "SELECT siret, siren, date, amount, funder_name FROM aid_received WHERE siret = '35600000000048'")" \
    "a Somme row, converted"
# The part of a shared grant: montant x pourcentageSubvention, half up to the cent.
assert_eq "498933" "$(sqlite3 "$ELIGO_DB" "SELECT amount FROM aid_received WHERE siret = '52499120500013'")" \
    "99 786,57 € x 0.05 = 4 989,3285 €, rounded to 4 989,33 €"
# Long cells come back whole when normalised (Somme's conditionsVersement, 600 bytes and more).
run eligo import scdl "$DATA/somme-2018-03-02.csv" --normalize "$WORK/somme.csv" --quiet
assert_eq 0 "$RC" "normalise Somme ($ERR)"
assert_contains "$(sed -n 2p "$WORK/somme.csv")" "Département de la Somme,22800001400016,2017-09-08,6.2,AILLY SUR NOYE,21800009900018,,\"Création d'une aire de camping-cars au plan d'eau de Berny-sur-Noye, sur une assiette subventionnable estimée à 89 852 € HT\",26956,aide en numéraire,\"une avance unique peut" \
    "a Somme row normalised (the objet's comma quoted, amount and date converted)"
assert_contains "$(sed -n 2p "$WORK/somme.csv")" "Le montant du solde doit être supérieur ou égal à 10% du montant de la subvention.\",2017-09-08/2021-09-07,,,1," \
    "the long conditionsVersement whole, the period converted"
# Again: nothing new.
expect_import somme-2018-03-30.csv \
    "Windows-1252, séparateur « ; » : 11 ligne(s) lue(s), 11 importée(s), 0 rejetée(s) (0 nouvelle(s), 11 déjà enregistrée(s))"
assert_eq 95 "$(rows aid_received)" "importing again adds nothing"

# A BOM, ';' and a Windows-1252 accent: the same rows as the valid example.
printf '\xEF\xBB\xBF' >"$WORK/bom.csv"
sed 's/,/;/g' "$DATA/exemple_valide.csv" | head -3 >>"$WORK/bom.csv"
run eligo import scdl "$WORK/bom.csv" --normalize "$WORK/bom-out.csv"
assert_contains "$OUT" "UTF-8 avec BOM, séparateur « ; » : 2 ligne(s) lue(s), 2 importée(s), 0 rejetée(s)" "BOM and ';'"
iconv -f UTF-8 -t WINDOWS-1252 "$DATA/exemple_valide.csv" >"$WORK/cp1252.csv"
run eligo import scdl "$WORK/cp1252.csv" --normalize "$WORK/cp1252-out.csv"
assert_contains "$OUT" "Windows-1252, séparateur « , » : 29 ligne(s) lue(s), 29 importée(s)" "Windows-1252"
cmp -s "$DATA/exemple_valide.csv" "$WORK/cp1252-out.csv" || fail "Windows-1252 converted to the same UTF-8"
CHECKS=$((CHECKS + 1))

# Whole-file problems: nothing stored.
before=$(rows aid_received)
printf 'nom;montant\nA;10\n' >"$WORK/columns.csv"
run eligo import scdl "$WORK/columns.csv"
assert_eq 3 "$RC" "missing columns"
assert_eq "eligo: $WORK/columns.csv:1: nomAttribuant: pas de colonne pour nomAttribuant (ni aucune variante connue de son nom)" \
    "$(head -1 <<<"$ERR")" "names the column"
printf 'a\x81b\n' >"$WORK/binary.csv"
run eligo import scdl "$WORK/binary.csv"
assert_eq 3 "$RC" "neither UTF-8 nor Windows-1252"
assert_contains "$ERR" "ni UTF-8 ni Windows-1252" "says so"
run eligo import scdl "$WORK/nonexistent.csv"
assert_eq 3 "$RC" "a missing file"
assert_eq "$before" "$(rows aid_received)" "nothing stored by a failing import"

finish
