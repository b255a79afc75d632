# trace export --html writes one self-contained French page (no script, no
# external asset) that headless Chromium renders with the outcome and every
# rule id visible; a screenshot is taken. Text from documents is escaped.
# The page is laid out for reviewers: a summary first, rules folded, the
# 7-rule seed decision printed (headless Chromium's print to PDF) on at
# most 4 A4 pages, no heading alone at a page foot.
source "$(dirname "$0")/lib.sh"
import_seeds
# The equipment variant, with a title that tries to inject markup.
equipment_variant "$WORK/plain.yaml"
sed 's/^title: .*/title: "Centres <b>sociaux<\/b> \& « connectés » <script>alert(1)<\/script>"/' \
    "$WORK/plain.yaml" >"$WORK/equipment.yaml"
run eligo import "$WORK/equipment.yaml"
assert_eq 0 "$RC" "import the variant ($ERR)"
eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null
eligo check csc-materiel-95000 --call mel-strategie-digitale-2018 >/dev/null

run eligo trace export 1 --html -o "$WORK/d1.html"
assert_eq 0 "$RC" "export to a file ($ERR)"
assert_eq "décision n° 1 écrite dans $WORK/d1.html" "$ERR" "says where"
page=$(cat "$WORK/d1.html")
assert_eq "<!DOCTYPE html>" "$(head -1 "$WORK/d1.html")" "an HTML page"
assert_contains "$page" '<html lang="fr">' "in French"
assert_contains "$page" '<span class="verdict" id="outcome">ÉLIGIBLE</span>' "outcome up front"
assert_contains "$page" "@media print" "print CSS"
assert_contains "$page" "Matériel informatique dédié au projet" "expense lines from the stored project"
assert_contains "$page" '<td class="num">65 %</td>' "shares"
assert_not_contains "$page" "<script" "no script"
assert_not_contains "$page" "src=" "no external asset"
assert_not_contains "$page" "<link" "no stylesheet link"
assert_not_contains "$page" "http" "no URL at all"
assert_contains "$page" '<span class="decl"><span class="ln">   6</span>  ceiling {</span>' \
    "source excerpt at the declaration line (stored source)"
# The summary: the call's act reference, the time in Paris with UTC, the maximum grantable.
assert_contains "$page" '<dd id="basis-ref">MEL, délibération exécutoire au 01/03/2018 ; imputation opération 716O010' \
    "the call's basis_ref"
run eligo trace show 1 --format json
created=$(jqr .created_at)
sha=$(printf '%s' "$OUT" | sha256sum | cut -d' ' -f1)
assert_contains "$page" ", heure de Paris (${created:11:8} UTC)" "Paris time with UTC beside"
assert_contains "$page" '<dd id="max-grantable"><span class="m">60 000,00 €</span> (règle <code>montant-mel</code>)</dd>' \
    "the maximum grantable in the summary"
assert_contains "$page" "7 règles évaluées : 7 respectées, 0 non respectée, 0 sans objet, 0 en erreur." \
    "the count of rules by status"
assert_contains "$page" "id=\"decision-sha256\">$sha</span>" "the decision's own hash"
assert_contains "$page" '<span id="limits">50000000 instructions Lua par règle, 64 Mio de mémoire, 5000 ms par projet, 256 Kio de résultat par règle</span>' \
    "the limits the rules ran under"
assert_contains "$page" '<tr><td>plafond <code class="small">max</code></td>' "figure keys in French"
assert_contains "$page" '<details><summary>Données lues (9) et code source</summary>' "facts folded"
assert_not_contains "$page" "<details open" "nothing unfolded"
summary_end=$(grep -n '</header>' "$WORK/d1.html" | head -1 | cut -d: -f1)
plan_at=$(grep -n 'id="plan"' "$WORK/d1.html" | head -1 | cut -d: -f1)
rules_at=$(grep -n 'id="regles"' "$WORK/d1.html" | head -1 | cut -d: -f1)
[[ $summary_end -lt $plan_at && $plan_at -lt $rules_at ]] || fail "summary, plan, rules: in that order"

run eligo trace export 2 --html
assert_eq 0 "$RC" "export to standard output"
assert_contains "$OUT" "NON ÉLIGIBLE</span></h1>" "ineligible outcome"
assert_contains "$OUT" "Centres &lt;b&gt;sociaux&lt;/b&gt; &amp; « connectés » &lt;script&gt;alert(1)&lt;/script&gt;" \
    "the project title is escaped"
assert_not_contains "$OUT" "<script" "no markup injected"
assert_contains "$OUT" '<li><a href="#regle-plafond-materiel"><code>plafond-materiel</code></a> (non respectée) : Matériel : 95 000,00 € &gt; plafond 80 820,00 € (dépassement 14 180,00 €) <span class="small">[montant : <span class="m">95 000,00 €</span> ; plafond : <span class="m">80 820,00 €</span>]</span></li>' \
    "the failing rule listed with the outcome and its figures"
first_rule=$(grep -o 'class="rule [a-z]*" id="regle-[a-z-]*"' <<<"$OUT" | head -1)
assert_eq 'class="rule fail" id="regle-plafond-materiel"' "$first_rule" "failing rule first"
printf '%s\n' "$OUT" >"$WORK/d2.html"

run eligo trace export 1
assert_eq 2 "$RC" "a format is required"
run eligo trace export 1 --html --format json
assert_eq 2 "$RC" "--format does not apply"
run eligo trace export 77 --html
assert_eq 3 "$RC" "unknown decision"
run eligo trace export 1 --html -o "$WORK/no/such/dir/x.html"
assert_eq 3 "$RC" "unwritable output"
assert_contains "$ERR" "impossible d'écrire $WORK/no/such/dir/x.html" "names the file"
assert_eq 2 "$(rows decisions)" "export stores nothing"

# Headless Chromium (Debian's chromium; scripts/install-deps.sh --with-browser).
if ! command -v chromium >/dev/null; then
    fail "chromium is not installed: run scripts/install-deps.sh --with-browser"
    finish
fi
chromium_run() { # PAGE ARGS...: runs headless Chromium on a file with a fresh profile
    local page=$1
    shift
    local profile
    profile=$(mktemp -d "$WORK/profile.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@" "file://$page"
}
for n in 1 2; do
    chromium_run "$WORK/d$n.html" --dump-dom >"$WORK/dom$n.html" 2>"$WORK/chromium.err"
    assert_eq 0 "$?" "chromium loads page $n ($(tail -3 "$WORK/chromium.err"))"
    text=$(sed -e 's/<style>.*//' -e 's/<[^>]*>//g' "$WORK/dom$n.html")
    assert_contains "$(cat "$WORK/dom$n.html")" "</html>" "page $n rendered to the end"
    run eligo trace show "$n" --format json
    outcome=$(jqr 'if .outcome == "eligible" then "ÉLIGIBLE" else "NON ÉLIGIBLE" end')
    assert_contains "$text" "Décision n° $n : $outcome" "outcome visible in page $n"
    for id in $(jqr '.rules[].id'); do
        assert_contains "$text" "$id — " "rule $id visible in page $n"
    done
done
chromium_run "$WORK/d2.html" --window-size=1200,3000 --screenshot="$WORK/d2.png" >/dev/null 2>"$WORK/chromium.err"
assert_eq 0 "$?" "screenshot ($(tail -3 "$WORK/chromium.err"))"
assert_eq "89504e470d0a1a0a" "$(head -c 8 "$WORK/d2.png" | od -An -tx1 | tr -d ' \n')" "the screenshot is a PNG"
size=$(stat -c %s "$WORK/d2.png")
[[ $size -gt 50000 ]] || fail "screenshot of $size bytes: a blank page?"
if [[ -n "${ELIGO_SCREENSHOT_DIR:-}" ]]; then
    cp "$WORK/d2.png" "$ELIGO_SCREENSHOT_DIR/decision-ineligible.png"
fi

# Printed: A4, at most 4 pages for the 7-rule seed decision, numbered, and no
# heading as the last line of a page (poppler-utils reads the PDF back).
if ! command -v pdfinfo >/dev/null; then
    fail "pdfinfo is not installed: run scripts/install-deps.sh --with-browser"
    finish
fi
headings=("Plan de financement" "Dépenses" "Ressources" "Règles appliquées" \
    "Paramètres de l'appel appliqués" "Traçabilité")
for n in 1 2; do
    chromium_run "$WORK/d$n.html" --no-pdf-header-footer --print-to-pdf="$WORK/d$n.pdf" \
        >/dev/null 2>"$WORK/chromium.err"
    assert_eq 0 "$?" "print page $n to PDF ($(tail -3 "$WORK/chromium.err"))"
    info=$(pdfinfo "$WORK/d$n.pdf")
    assert_contains "$info" "Page size:       594.96 x 841.92 pts (A4)" "A4 ($n)"
    pages=$(awk '/^Pages:/ {print $2}' <<<"$info")
    [[ $pages -ge 1 && $pages -le 4 ]] || fail "decision $n prints on $pages pages, more than 4"
    for ((k = 1; k <= pages; k++)); do
        lines=$(pdftotext -f "$k" -l "$k" -layout "$WORK/d$n.pdf" - | tr -d '\f' | sed 's/^ *//; s/ *$//' | grep -v '^$')
        assert_eq "$k/$pages" "$(tail -1 <<<"$lines")" "page number $k of decision $n"
        last=$(tail -2 <<<"$lines" | head -1)
        for h in "${headings[@]}"; do
            [[ "$last" != "$h" ]] || fail "decision $n: heading \"$h\" alone at the foot of page $k"
        done
    done
done
pdftoppm -png -r 60 -f 1 -l 1 "$WORK/d1.pdf" "$WORK/d1-print"
[[ -s "$WORK/d1-print-1.png" ]] || fail "no image of the printed page"
if [[ -n "${ELIGO_SCREENSHOT_DIR:-}" ]]; then
    cp "$WORK/d1-print-1.png" "$ELIGO_SCREENSHOT_DIR/decision-printed-page1.png"
fi
finish
