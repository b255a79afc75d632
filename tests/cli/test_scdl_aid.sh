#!/usr/bin/env bash
# Grants other funders published (eligo import scdl) are the aid an applicant has already
# received: rules read them per SIREN as project.aid_received, and de_minimis counts them
# (once when the applicant declared the same aid); replay reads the aid as it stood when the
# decision was made.
source "$(dirname "$0")/lib.sh"
rule_call_fixture dm
cat >"$RULES/calls/dm.lua" <<'LUA'
de_minimis { ceiling = 20000000, regulation = "règlement (UE) 2023/2831", period = "rolling" }
LUA
# The project's applicant is a company whose SIREN has published grants.
cat >"$WORK/project.yaml" <<'YAML'
kind: project
id: p
title: Projet de test
applicants: [{ name: Scop X, status: scop, siret: "52499120500013" }]
period: { start: 2017-06-01, end: 2017-12-31 }
submitted: 2017-06-01
expenses: [{ category: equipment, label: PC, amount: "60 000" }]
resources: [{ financer: MEL, amount: "60 000" }]
applies_to: [{ call: dm, requested: "60 000" }]
de_minimis:
  - { date: 2016-01-10, amount: "100 000", source: "Région, déclarée" }
YAML
run eligo import "$WORK/project.yaml"
assert_eq 0 "$RC" "import the project ($ERR)"

run eligo check p --format json
assert_eq 0 "$RC" "without published aid: 100 000 + 60 000 <= 200 000"
assert_eq "Scop X : aides déclarées 100 000,00 € (1, du 2014-06-01 (exclu) au 2017-06-01) + subvention 60 000,00 € = 160 000,00 € ≤ plafond 200 000,00 € (règlement (UE) 2023/2831)" \
    "$(jqr '.rules[0].message')" "the declared aid only"
first=$(jqr '.decision_id')

# Published grants to the same SIREN: 99 786,57 € x 0.05 (2015-07-07), and a whole one.
cat >"$WORK/published.csv" <<'CSV'
nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant;pourcentageSubvention
Ville A;21060004500392;2015-07-07;SCOP X;52499120500013;Fonctionnement;99786,57;0,05
Ville B;21060004500392;2017/03/01;SCOP X;52499120500013;Projet;"45 000,00";1
Ville C;21060004500392;2016-01-10;SCOP X;52499120500013;Déjà déclarée;100000;1
Ville D;21060004500392;2013-01-01;SCOP X;52499120500013;Trop ancienne;90000;1
Ville E;21060004500392;2017-01-01;AUTRE;38033590100027;Autre SIREN;90000;1
CSV
run eligo import scdl "$WORK/published.csv"
assert_eq 0 "$RC" "import the published grants ($ERR)"
assert_contains "$OUT" "5 ligne(s) lue(s), 5 importée(s), 0 rejetée(s)" "all five rows"

run eligo check p --format json
assert_eq 1 "$RC" "100 000 + 4 989,33 + 45 000 + 60 000 > 200 000"
assert_eq "fail" "$(jqr '.rules[0].status')" "de minimis fails"
assert_eq "Scop X : aides déclarées 100 000,00 € (1, du 2014-06-01 (exclu) au 2017-06-01) + aides publiées (SCDL) 49 989,33 € (2) + subvention 60 000,00 € = 209 989,33 € > plafond 200 000,00 € (règlement (UE) 2023/2831), dépassement 9 989,33 €" \
    "$(jqr '.rules[0].message')" "published aid counted, the declared one once, the old one out"
assert_eq 4998933 "$(jqr '.rules[0].figures.received')" "the figure"
assert_eq 5001067 "$(jqr '.rules[0].figures.room')" "room left"
id=$(jqr '.decision_id')
run eligo replay "$id"
assert_eq 0 "$RC" "replay gives the same decision ($OUT $ERR)"
# A decision made before the file was imported replays as it was made: the aid received is
# read as it stood then (rows are append-only, read up to the decision's time).
run eligo replay "$first"
assert_eq 0 "$RC" "the earlier decision replays the same ($OUT $ERR)"

# A whole call is decided the same way: eligo batch reads the aid received too, in this
# process (--jobs 0) and in its worker processes (each opens the store for it); each run on
# its own copy of the store, so that each makes its decision.
main_db=$ELIGO_DB
for jobs in 0 1 2; do
    sqlite3 "$main_db" ".backup '$WORK/jobs$jobs.db'"
    export ELIGO_DB="$WORK/jobs$jobs.db"
    run eligo batch dm --jobs "$jobs" --format json
    assert_eq 0 "$RC" "batch --jobs $jobs ($ERR)"
    last=$(sqlite3 "$ELIGO_DB" "SELECT max(id) FROM decisions WHERE call = 'dm'")
    run eligo trace show "$last" --format json
    assert_eq "fail" "$(jqr '.rules[0].status')" "batch --jobs $jobs: de minimis counts the published aid"
    assert_eq 4998933 "$(jqr '.rules[0].figures.received')" "batch --jobs $jobs: the same figure"
    assert_eq 1 "$(sqlite3 "$ELIGO_DB" "SELECT count(*) FROM decisions WHERE inputs_key IS NOT NULL")" \
        "batch --jobs $jobs stored its decision"
done
export ELIGO_DB=$main_db

finish
