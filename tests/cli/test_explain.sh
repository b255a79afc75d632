# eligo explain: the applicant's letter (CRPA L311-3-1, R311-3-1-2), from the
# stored decision and the versions it names: text, HTML and a PDF printed by
# headless Chromium and read back with pdftotext; no file path, rule code,
# field path or hash in the body, the decision's hash once in the footer.
source "$(dirname "$0")/lib.sh"
import_seeds
equipment_variant "$WORK/plain.yaml"
# The applicant's title tries to inject markup.
sed 's/^title: .*/title: "Centres <b>sociaux<\/b> \& « connectés » <script>alert(1)<\/script>"/' \
    "$WORK/plain.yaml" >"$WORK/equipment.yaml"
run eligo import "$WORK/equipment.yaml"
assert_eq 0 "$RC" "import the variant ($ERR)"
eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null # 1
eligo check csc-materiel-95000 --call mel-strategie-digitale-2018 >/dev/null             # 2
eligo check forum-solidarite-fives-2011 >/dev/null                                      # 3
for p in $(ls "$SRC/seeds/projects" | sed 's/\.yaml$//'); do
    eligo check "$p" >/dev/null
done
# Amounts are written with no-break spaces: compare with plain ones.
plain() { sed 's/\xc2\xa0/ /g'; }
# The text with its lines joined: wrapping does not matter to what it says.
flat() { tr '\n' ' ' | tr -s ' '; }
# The body: everything before the footer reference.
body() { sed 's/Référence de contrôle.*//'; }
# What the letter must never show: paths, rule code, field paths, hashes.
assert_clean() { # TEXT WHAT
    local t=$1
    for bad in "rules/" ".lua" "expenses[" "applicants[" "resources[" "params." "call.requested" \
        "sha256" "SHA-256" "function" "traceback" "store:" "$WORK"; do
        assert_not_contains "$t" "$bad" "$2: no [$bad] in the body"
    done
    [[ ! "$t" =~ [0-9a-f]{40} ]] || fail "$2: a hash in the body"
}

# ---- the eligible seed decision, as text -----------------------------------
run eligo explain 1 --format text
assert_eq 0 "$RC" "explain as text ($ERR)"
letter=$(plain <<<"$OUT" | flat)
assert_contains "$letter" "Métropole Européenne de Lille" "the funder by name"
assert_contains "$letter" "Association de gestion des centres socioculturels Belencontre et Phalempins" \
    "addressed to the applicants"
assert_contains "$letter" "Votre projet est éligible : il remplit les 7 conditions" "the outcome"
assert_contains "$letter" "Montant maximal qui peut vous être attribué au titre de cet appel, selon ses règles : 60 000,00 €" "the maximum grantable"
assert_contains "$letter" "Ce résultat est un avis préparé pour Métropole Européenne de Lille" \
    "what kind of act it is"
assert_contains "$letter" "au moyen d'un traitement algorithmique (article L311-3-1 du code des relations entre le public et l'administration)" "the explicit mention"
assert_contains "$letter" "Degré et mode de contribution du traitement" "how much it contributed"
assert_contains "$letter" "dans sa version n° 1 enregistrée le" "the source: the project version"
assert_contains "$letter" "Dépenses de matériel : 80 820,00 € (ligne « Matériel informatique dédié au projet »)" "a fact in words and euros"
assert_contains "$letter" "Ressource « Métropole Européenne de Lille » : 60 000,00 €, demandée" \
    "a resource in words"
assert_contains "$letter" "Plafond des dépenses de matériel : 80 820,00 € (valeur de base de l'appel ; texte : « dans une limite de 80 820 Euros l'achat de matériel informatique »)" "a parameter with the text it comes from"
assert_contains "$letter" "1. Achat de matériel informatique dans la limite de 80 820 € — condition remplie. Le montant concerné, 80 820,00 €, ne dépasse pas le plafond de 80 820,00 €." "one sentence per rule with its figures"
assert_contains "$letter" "Base légale : Loi n° 2000-321 du 12 avril 2000, art. 10" \
    "a rule's own legal basis"
assert_contains "$letter" "Voies et délais de recours" "appeal heading"
assert_contains "$letter" "Recours gracieux" "recours gracieux"
assert_contains "$letter" "saisir le tribunal administratif territorialement compétent dans un délai de deux mois" \
    "recours contentieux and its time limit"
assert_contains "$letter" "R421-1" "the code de justice administrative"
assert_contains "$letter" "Référence de l'acte : MEL, délibération exécutoire au 01/03/2018" \
    "the call's basis_ref"
assert_contains "$letter" "(référence mel-strategie-digitale-2018, version 1)" "the call reference"
assert_not_contains "$letter" "Ce qu'il faudrait changer" "nothing to change when eligible"
assert_clean "$(body <<<"$letter")" "eligible letter"
# The footer's hash is the decision document's: trace show --format json, hashed.
full=$OUT
run eligo trace show 1 --format json
sha=$(printf '%s' "$OUT" | sha256sum | cut -d' ' -f1)
assert_contains "$letter" "$sha" "the footer names the decision's sha256"
assert_eq 1 "$(grep -o "$sha" <<<"$letter" | wc -l)" "the hash once"
assert_eq "$sha" "$(tail -1 <<<"$full")" "the hash in the last line, the footer"
# Paris time: created_at in UTC, one or two hours ahead in the letter.
created=$(jqr .created_at)
assert_contains "$letter" "(${created:11:8} UTC)" "UTC beside the Paris time in the references"

run eligo explain 1 --format text --as decision
assert_eq 0 "$RC" "--as decision"
assert_contains "$(plain <<<"$OUT" | flat)" "Ce courrier vous notifie la décision de Métropole Européenne de Lille" \
    "the decision itself"
assert_contains "$(plain <<<"$OUT" | flat)" "Si vous contestez cette décision, vous pouvez, dans un délai de deux mois" \
    "appeal against the decision"

# ---- the ineligible variant: what would have to change -----------------------
run eligo explain 2 --format text
assert_eq 0 "$RC" "explain an ineligible decision ($ERR)"
letter=$(plain <<<"$OUT" | flat)
assert_contains "$letter" "Votre projet n'est pas éligible en l'état : une des 7 conditions de l'appel n'est pas remplie" "the ineligible outcome"
assert_contains "$letter" "Dépenses de matériel : 95 000,00 € (ligne « Matériel informatique dédié au projet »)" "the fact that fails, in words and euros"
assert_contains "$letter" "Le montant concerné, 95 000,00 €, dépasse le plafond de 80 820,00 € de 14 180,00 €." "the failing rule's sentence"
assert_contains "$letter" "Ce qu'il faudrait changer" "a section on what to change"
assert_contains "$letter" "Achat de matériel informatique dans la limite de 80 820 € : réduire le montant concerné d'au moins 14 180,00 €." "the gap in euros"
assert_clean "$(body <<<"$letter")" "ineligible letter"

# A condition, not an amount: the territory of the call.
id=$(eligo trace list --project forum-solidarite-fives-2011 --format json | jq -r '.decision_id' | head -1)
run eligo explain "$id" --format text
letter=$(plain <<<"$OUT" | flat)
assert_contains "$letter" "Le projet se déroule sur la Couronne Sud de Lille (13 communes) : que cette condition soit remplie. Constat : Hors du territoire de l'appel (13 communes) : Lille." "the condition to meet"
assert_contains "$letter" "Communes du territoire de l'appel : Emmerin, Faches-Thumesnil" \
    "a list parameter"
assert_clean "$(body <<<"$letter")" "territory letter"

# ---- the applicant's identifiers, when the project gives them ---------------
sed -e 's/^id: centres-sociaux-connectes-2018/id: csc-identifiants/' \
    -e '0,/^    status: association/s//    status: association\n    siret: "77567227200029"\n    rna: W595000123/' \
    "$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml" >"$WORK/ids.yaml"
run eligo import "$WORK/ids.yaml"
assert_eq 0 "$RC" "import the project with identifiers ($ERR)"
eligo check csc-identifiants --call mel-strategie-digitale-2018 >/dev/null
id=$(eligo trace list --project csc-identifiants --format json | jq -r '.decision_id' | head -1)
run eligo explain "$id" --format text
assert_contains "$OUT" "    SIRET n° 77567227200029
    RNA n° W595000123" "SIRET and RNA in the address"

# ---- every stored seed decision has a letter, HTML and text ------------------
count=$(eligo trace list --format json | jq -s length)
[[ $count -ge 14 ]] || fail "only $count decisions"
for n in $(seq 1 "$count"); do
    run eligo explain "$n" --format text
    assert_eq 0 "$RC" "letter $n as text ($ERR)"
    assert_clean "$(plain <<<"$OUT" | flat | body)" "letter $n"
    assert_contains "$OUT" "Voies et délais de recours" "letter $n: appeal"
    run eligo explain "$n" -o "$WORK/l$n.html"
    assert_eq 0 "$RC" "letter $n as HTML ($ERR)"
    assert_eq "lettre de la décision n° $n écrite dans $WORK/l$n.html" "$ERR" "says where"
done
page=$(cat "$WORK/l2.html")
assert_eq "<!DOCTYPE html>" "$(head -1 "$WORK/l2.html")" "an HTML page"
assert_contains "$page" '<html lang="fr">' "in French"
assert_contains "$page" "Centres &lt;b&gt;sociaux&lt;/b&gt; &amp;" "the applicant's title escaped"
assert_not_contains "$page" "<script" "no markup injected, no script"
assert_not_contains "$page" "<b>sociaux" "no markup injected"
assert_not_contains "$page" "src=" "no external asset"
assert_not_contains "$page" "http" "no URL"
assert_contains "$page" "@page{size:A4" "A4 print CSS"
assert_contains "$page" "counter(page)" "page numbers"

# ---- a missing fact and a rule error ---------------------------------------------
rule_call_fixture test-explain
cat >"$RULES/calls/test-explain.lua" <<'LUA'
rule {
    id = "siret-connu",
    title = "Le porteur a un numéro SIRET",
    check = function(p)
        local a = p.applicants[1]
        if a.siret then
            return pass("SIRET " .. a.siret)
        end
        return missing(field(a, "siret"), "Numéro SIRET absent")
    end,
}
LUA
run eligo check p --call test-explain
assert_eq 6 "$RC" "a missing fact: exit 6 ($ERR)"
id=$(eligo trace list --project p --format json | jq -r '.decision_id' | tail -1)
assert_eq incomplete "$(eligo trace list --project p --format json | jq -r '.outcome' | tail -1)" "incomplete"
run eligo explain "$id" --format text
assert_eq 0 "$RC" "explain the fixture ($ERR)"
letter=$(plain <<<"$OUT" | flat)
assert_contains "$letter" "Votre dossier est incomplet" "the result says incomplete"
assert_contains "$letter" "Les informations à fournir" "the missing facts section"
assert_contains "$letter" "Numéro SIRET du porteur « Asso » (nécessaire à la vérification « Le porteur a un numéro SIRET »)" "the missing field in words, with the rule needing it"
assert_clean "$(body <<<"$letter")" "missing-fact letter"
# A rule that reads thousands of absent fields: the letter lists 200 and
# counts the rest, at once.
cat >"$RULES/calls/test-explain.lua" <<'LUA'
rule {
    id = "lit-tout",
    title = "Une règle qui lit beaucoup",
    check = function(p)
        local lacking = {}
        for i = 1, 5000 do
            local a = p.applicants[1]
            if a["champ" .. i] == nil then lacking[#lacking + 1] = field(a, "champ" .. i) end
        end
        return missing(lacking, "trop de champs absents")
    end,
}
LUA
eligo check p --call test-explain >/dev/null
id=$(eligo trace list --project p --format json | jq -r '.decision_id' | tail -1)
start=$(date +%s)
run timeout 20 "$ELIGO_BIN" explain "$id" --format text
assert_eq 0 "$RC" "a letter for 5000 missing fields ($ERR)"
assert_eq 200 "$(grep -c "nécessaire à la vérification" <<<"$OUT")" "200 fields listed"
assert_contains "$(plain <<<"$OUT" | flat)" "et 4800 autres informations" "the rest counted"
[[ $(($(date +%s) - start)) -le 10 ]] || fail "the letter took more than 10 s"
run timeout 20 "$ELIGO_BIN" trace export "$id" --html
assert_eq 0 "$RC" "the audit page for 5000 missing fields"
assert_contains "$OUT" "<li>et 4980 autres (voir chaque règle)</li>" "the summary lists 20"
cat >"$RULES/calls/test-explain.lua" <<'LUA'
rule {
    id = "plante",
    title = "Une règle qui échoue",
    check = function(p)
        error("boom at " .. p.title)
    end,
}
LUA
eligo check p --call test-explain >/dev/null
id=$(eligo trace list --project p --format json | jq -r '.decision_id' | tail -1)
run eligo explain "$id" --format text
letter=$(plain <<<"$OUT" | flat)
assert_contains "$letter" "L'examen automatique de votre projet n'a pas pu être mené à son terme" \
    "a rule error, in words"
assert_contains "$letter" "Une règle qui échoue — vérification non aboutie." "the rule in error"
assert_not_contains "$letter" "boom" "no error message from the rule"
assert_clean "$(body <<<"$letter")" "rule-error letter"
export ELIGO_RULES=$SRC/rules

# ---- usage ---------------------------------------------------------------------------
run eligo explain
assert_eq 2 "$RC" "a decision is required"
run eligo explain 1 --format docx
assert_eq 2 "$RC" "unknown format"
assert_contains "$ERR" "--format vaut html, pdf ou text" "says which"
run eligo explain 1 --as verdict
assert_eq 2 "$RC" "unknown --as"
run eligo explain 1 2
assert_eq 2 "$RC" "one decision only"
run eligo explain 999
assert_eq 3 "$RC" "unknown decision"
run eligo explain 1 -o "$WORK/no/such/dir/x.html"
assert_eq 3 "$RC" "unwritable output"
decisions=$(rows decisions)
run eligo explain 1 --format text
assert_eq "$decisions" "$(rows decisions)" "explain stores nothing"

# ---- PDF: printed by headless Chromium, read back with poppler ---------------------
if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then
    fail "chromium or pdftotext missing: run scripts/install-deps.sh --with-browser"
    finish
fi
for n in 1 2; do
    run eligo explain "$n" --format pdf -o "$WORK/l$n.pdf"
    assert_eq 0 "$RC" "letter $n as PDF ($ERR)"
    assert_eq "%PDF-" "$(head -c 5 "$WORK/l$n.pdf")" "a PDF"
    info=$(pdfinfo "$WORK/l$n.pdf")
    assert_contains "$info" "Page size:       594.96 x 841.92 pts (A4)" "A4"
    pages=$(awk '/^Pages:/ {print $2}' <<<"$info")
    [[ $pages -ge 2 && $pages -le 8 ]] || fail "letter $n: $pages pages"
    text=$(pdftotext "$WORK/l$n.pdf" - | plain | flat)
    assert_contains "$text" "Page 1 sur $pages" "page numbers ($n)"
    assert_contains "$text" "Page $pages sur $pages" "last page number ($n)"
    assert_contains "$text" "Voies et délais de recours" "appeal in the PDF ($n)"
    assert_contains "$text" "tribunal administratif" "the tribunal in the PDF ($n)"
    assert_contains "$text" "traitement algorithmique" "the mention in the PDF ($n)"
    assert_clean "$(body <<<"$text")" "PDF $n"
done
text=$(pdftotext "$WORK/l1.pdf" - | plain | flat)
assert_contains "$text" "Votre projet est éligible" "eligible in the PDF"
assert_contains "$text" "60 000,00 €" "amounts in the PDF"
text=$(pdftotext "$WORK/l2.pdf" - | plain | flat)
assert_contains "$text" "Votre projet n'est pas éligible en l'état" "ineligible in the PDF"
assert_contains "$text" "14 180,00 €" "the gap in the PDF"
assert_contains "$(tr -d '\n' <<<"$text")" "Centres <b>sociaux</b> & « connectés » <script>alert(1)</script>" \
    "the title shown as text, not markup"
# The PDF to standard output is the same document.
run eligo explain 1 --format pdf
assert_eq 0 "$RC" "PDF to standard output"
assert_eq "%PDF-" "${OUT:0:5}" "a PDF on standard output"
# A page image, to be looked at.
pdftoppm -png -r 60 -f 1 -l 1 "$WORK/l2.pdf" "$WORK/l2"
png=$(ls "$WORK"/l2-*.png | head -1)
assert_eq "89504e470d0a1a0a" "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" "a PNG of page 1"
size=$(stat -c %s "$png")
[[ $size -gt 20000 ]] || fail "page image of $size bytes: a blank page?"
if [[ -n "${ELIGO_SCREENSHOT_DIR:-}" ]]; then
    cp "$png" "$ELIGO_SCREENSHOT_DIR/letter-ineligible.png"
fi
# No renderer: a clear error, nothing written.
ELIGO_CHROMIUM=/nonexistent/chromium run eligo explain 1 --format pdf -o "$WORK/none.pdf"
assert_eq 5 "$RC" "no renderer"
assert_contains "$ERR" "le PDF n'a pas pu être imprimé" "says why"
[[ ! -e "$WORK/none.pdf" ]] || fail "a PDF written without a renderer"
finish
