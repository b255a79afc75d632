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
assert_eq "5 row(s) written to $WORK/all.csv" "$ERR" "five beneficiaries"
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
assert_eq "5 row(s) written to $WORK/funder.csv" "$ERR" "by funder"
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
assert_eq "eligo: award old v1:5:9: funder: missing field \"siret\"" "$(head -1 <<<"$ERR")" \
    "names the award and the field"
[[ -e $WORK/none.csv ]] && fail "nothing written on error"

# An award naming a decision that is not on its project and call is refused at its line.
sed 's/^call: mel-strategie-digitale-2018$/call: mel-strategie-digitale-2018\ndecision: 7/' \
    "$DATA/awards/mel-centres-sociaux-2018.yaml" >"$WORK/with-decision.yaml"
run eligo import "$WORK/with-decision.yaml"
assert_eq 3 "$RC" "unknown decision"
assert_eq "eligo: $WORK/with-decision.yaml:10:11: decision: unknown decision 7" "$(head -1 <<<"$ERR")" \
    "the decision, located"
run eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018
id=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions")
sed "s/^decision: 7/decision: $id/" "$WORK/with-decision.yaml" >"$WORK/with-decision-ok.yaml"
run eligo import "$WORK/with-decision-ok.yaml"
assert_eq 0 "$RC" "an award following a stored decision ($ERR)"
assert_contains "$OUT" "mel-centres-sociaux-2018                 v2 new version" "a new version"

# ---- the schema's own examples ----------------------------------------------------------------
# The valid example round-trips: read, normalised, written back byte for byte, valid.
run eligo import scdl "$DATA/exemple_valide.csv" --normalize "$WORK/valide.csv"
assert_eq 0 "$RC" "import the valid example ($ERR)"
assert_eq "$DATA/exemple_valide.csv: UTF-8, ',' delimited: 29 row(s) read, 29 imported, 0 rejected (29 new, 0 already stored)" \
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
    ours=$(grep '^rejected: ' <<<"$OUT" | sed -E "s|^rejected: $DATA/$f.csv:([0-9]+):([0-9]+):.*|\1:\2|" | sort)
    assert_eq "$theirs" "$ours" "$f: the same errors as the validator"
    [[ $(wc -l <<<"$ours") -ge 16 ]] || fail "$f: too few errors compared"
done
run eligo import scdl --strict "$DATA/exemple_invalide_erreurs_colonnes.csv"
assert_contains "$OUT" "exemple_invalide_erreurs_colonnes.csv:1:5: nomBeneficiaire: column 5 must be nomBeneficiaire, found \"NOM_Beneficiaire\"" \
    "a header error"
assert_contains "$OUT" "exemple_invalide_erreurs_colonnes.csv:6:9: montant: \"100000,10\" is not a number (decimal point '.', no spaces)" \
    "a cell error"

# ---- every real file, as it is -------------------------------------------------------------------
expect_import() { # file summary
    run eligo import scdl "$DATA/$1"
    assert_eq 0 "$RC" "$1 imports ($ERR)"
    assert_eq "$DATA/$1: $2" "$(head -1 <<<"$(grep -v '^rejected: ' <<<"$OUT")")" "$1: summary"
}
expect_import exemple_invalide_erreurs_cellules.csv \
    "UTF-8, ',' delimited: 29 row(s) read, 4 imported, 25 rejected (4 new, 0 already stored)"
assert_contains "$OUT" "rejected: $DATA/exemple_invalide_erreurs_cellules.csv:5:3: dateConvention: \"05/12/2016\" is not a date AAAA-MM-JJ or AAAA/MM/JJ" \
    "a day-first date is not guessed"
assert_contains "$OUT" "rejected: $DATA/exemple_invalide_erreurs_cellules.csv:2:15: pourcentageSubvention: \"100\" is not a share between 0 and 1" \
    "a share of 100 is not guessed to be 100 %"
assert_contains "$OUT" "rejected: $DATA/exemple_invalide_erreurs_cellules.csv:8:6: idBeneficiaire: SIRET \"67895644300011\" fails its check digit" \
    "a SIRET's check digit"
assert_eq 25 "$(grep -c '^rejected: ' <<<"$OUT")" "each rejected row explained"
expect_import exemple_invalide_erreurs_colonnes.csv \
    "UTF-8, ',' delimited: 29 row(s) read, 4 imported, 25 rejected (4 new, 0 already stored)"
assert_contains "$OUT" "  4 row(s) whose funder SIRET is unusable (digits lost): kept without it" "funder SIRETs"
expect_import poitiers-2017.csv \
    "UTF-8, ';' delimited: 562 row(s) read, 6 imported, 556 rejected (6 new, 0 already stored)"
assert_contains "$OUT" "rejected: $DATA/poitiers-2017.csv:2:8: idBeneficiaire: SIRET \"45032466000000.0\" was written as a number and ends in 00000: digits lost (not repaired)" \
    "Poitiers' float SIRETs with digits lost"
assert_eq 525 "$(grep -c 'ends in 00000: digits lost' <<<"$OUT")" "525 SIRETs ending in 00000"
assert_eq 31 "$(grep -c 'fails its check digit: digits lost' <<<"$OUT")" "31 failing their check digit"
assert_contains "$OUT" "  6 SIRET(s) written as numbers, all digits there: kept" "the six complete ones"
assert_contains "$OUT" "  2 column(s) not in the schema: ignored" "ANNEE and COLL_TYPE"
expect_import somme-2018-03-02.csv \
    "Windows-1252 after a UTF-8 BOM, ';' delimited: 41 row(s) read, 41 imported, 0 rejected (41 new, 0 already stored)"
expect_import somme-2018-03-30.csv \
    "Windows-1252, ';' delimited: 11 row(s) read, 11 imported, 0 rejected (11 new, 0 already stored)"
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
    "Windows-1252, ';' delimited: 11 row(s) read, 11 imported, 0 rejected (0 new, 11 already stored)"
assert_eq 95 "$(rows aid_received)" "importing again adds nothing"

# A BOM, ';' and a Windows-1252 accent: the same rows as the valid example.
printf '\xEF\xBB\xBF' >"$WORK/bom.csv"
sed 's/,/;/g' "$DATA/exemple_valide.csv" | head -3 >>"$WORK/bom.csv"
run eligo import scdl "$WORK/bom.csv" --normalize "$WORK/bom-out.csv"
assert_contains "$OUT" "UTF-8 with BOM, ';' delimited: 2 row(s) read, 2 imported, 0 rejected" "BOM and ';'"
iconv -f UTF-8 -t WINDOWS-1252 "$DATA/exemple_valide.csv" >"$WORK/cp1252.csv"
run eligo import scdl "$WORK/cp1252.csv" --normalize "$WORK/cp1252-out.csv"
assert_contains "$OUT" "Windows-1252, ',' delimited: 29 row(s) read, 29 imported" "Windows-1252"
cmp -s "$DATA/exemple_valide.csv" "$WORK/cp1252-out.csv" || fail "Windows-1252 converted to the same UTF-8"
CHECKS=$((CHECKS + 1))

# Whole-file problems: nothing stored.
before=$(rows aid_received)
printf 'nom;montant\nA;10\n' >"$WORK/columns.csv"
run eligo import scdl "$WORK/columns.csv"
assert_eq 3 "$RC" "missing columns"
assert_eq "eligo: $WORK/columns.csv:1: nomAttribuant: no column for nomAttribuant (nor any known variant of its name)" \
    "$(head -1 <<<"$ERR")" "names the column"
printf 'a\x81b\n' >"$WORK/binary.csv"
run eligo import scdl "$WORK/binary.csv"
assert_eq 3 "$RC" "neither UTF-8 nor Windows-1252"
assert_contains "$ERR" "neither UTF-8 nor Windows-1252" "says so"
run eligo import scdl "$WORK/nonexistent.csv"
assert_eq 3 "$RC" "a missing file"
assert_eq "$before" "$(rows aid_received)" "nothing stored by a failing import"

finish
