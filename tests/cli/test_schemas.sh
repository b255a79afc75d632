# The JSON Schemas (schemas/*.schema.json) and the C reader accept exactly the same documents.
# The schemas compile in Ajv's strict mode, each has its $id and every field its description;
# every document of the repository (seeds, the valid and invalid corpora, the SCDL awards, the
# templates, the benchmark's reference call, what `eligo new` prints, the YAML documents of the
# guides) gets the same verdict from Ajv and from the reader (tests/tools/doc_verdict:
# elg_doc_load_file), but for the differences listed
# with their reason in tests/tools/schema-differences.txt; the enumerations of the schemas are
# the reader's; every document but the invalid ones starts with the line that points the YAML
# language server at its schema, and the server itself (tests/tools/lsp-diagnostics.mjs) finds
# the seeds valid and mistakes where they are.
# Needs node and npm: tests/tools/install.sh installs Ajv and the YAML language server from the
# lockfile.
source "$(dirname "$0")/lib.sh"
: "${ELIGO_DOC_VERDICT:?ELIGO_DOC_VERDICT must point at tests/tools/doc_verdict}"
TOOLS=$SRC/tests/tools

run bash "$TOOLS/install.sh"
assert_eq 0 "$RC" "the npm test tools install ($ERR)"
validate() { node "$TOOLS/validate.mjs" "$SRC/schemas" "$@"; }

# The schemas themselves.
run node "$TOOLS/validate.mjs" --lint "$SRC/schemas"
assert_eq 0 "$RC" "the schemas compile in strict mode, with an \$id and every field described: $OUT $ERR"

# The corpus, each file under the path it has in the repository (relative to $SRC) or, for
# what is made here, under $WORK/corpus/ laid out as the repository is.
C=$WORK/corpus
mkdir -p "$C/seeds/financers" "$C/seeds/calls" "$C/seeds/projects"
eligo new financer >"$C/seeds/financers/new.yaml"
eligo new call >"$C/seeds/calls/new.yaml"
eligo new project >"$C/seeds/projects/new.yaml"
# No seeds/awards/ in the repository: its schema line (../../schemas/) leads from any seeds/ folder.
eligo new award >"$C/seeds/projects/new-award.yaml"
# The YAML documents of the guides: blocks ```yaml fichier=seeds/... [scenario=NAME], appended
# per scenario and file as tests/cli/test_docs_rules.sh does.
for guide in rules guide-instructeur; do
    [[ -f $SRC/docs/$guide.md ]] || continue
    awk -v D="$C/docs-$guide" '
        !inblock && /^```yaml/ {
            inblock = 1; target = ""
            n = split(substr($0, 4), parts, /[ \t]+/); f = ""; sc = "guide"
            for (i = 2; i <= n; i++) {
                split(parts[i], kv, "=")
                if (kv[1] == "fichier") f = kv[2]
                if (kv[1] == "scenario") sc = kv[2]
            }
            if (f ~ /^seeds\//) {
                target = D "/" sc "/" f
                d = target; sub(/\/[^\/]*$/, "", d); system("mkdir -p \"" d "\"")
            }
            next
        }
        inblock && /^```[ \t]*$/ { inblock = 0; if (target != "") close(target); next }
        inblock && target != "" { print >> target }
    ' "$SRC/docs/$guide.md"
done

files=()
while IFS= read -r f; do files+=("$f"); done < <(
    cd "$SRC" && ls seeds/*/*.yaml tests/data/docs/valid/*.yaml tests/data/docs/invalid/*.yaml \
        tests/data/scdl/awards/*.yaml schemas/templates/*.yaml bench/reference/*.yaml
    cd "$C" && find . -name '*.yaml' | sed 's|^\./|corpus/|' | sort)
path_of() { [[ $1 == corpus/* ]] && echo "$WORK/$1" || echo "$SRC/$1"; }
abs=()
for f in "${files[@]}"; do abs+=("$(path_of "$f")"); done

"$ELIGO_DOC_VERDICT" "${abs[@]}" >"$WORK/c.tsv"
assert_eq 0 "$?" "the C reader reads the corpus"
validate "${abs[@]}" >"$WORK/ajv.tsv"
assert_eq 0 "$?" "Ajv reads the corpus"
assert_eq "${#files[@]}" "$(wc -l <"$WORK/c.tsv")" "a C verdict per document"
assert_eq "${#files[@]}" "$(wc -l <"$WORK/ajv.tsv")" "an Ajv verdict per document"
declare -A cv av why
while IFS=$'\t' read -r v f rest; do cv[$f]=$v; why[$f]=$rest; done <"$WORK/c.tsv"
while IFS=$'\t' read -r v f rest; do av[$f]=$v; why[$f]+=" / Ajv: $rest"; done <"$WORK/ajv.tsv"
declare -A listed
while IFS=$'\t' read -r f reason; do
    [[ -z $f || $f == \#* ]] && continue
    listed[$f]=$reason
done <"$TOOLS/schema-differences.txt"

valid=0 invalid=0
for i in "${!files[@]}"; do
    f=${files[$i]} a=${abs[$i]}
    if [[ $f == tests/data/docs/invalid/* ]]; then
        assert_eq refused "${cv[$a]}" "$f: the reader refuses a document of the invalid corpus"
        invalid=$((invalid + 1))
    else
        assert_eq ok "${cv[$a]}" "$f: the reader accepts it (${why[$a]})"
        valid=$((valid + 1))
    fi
    if [[ -n ${listed[$f]:-} ]]; then
        assert_eq "refused ok" "${cv[$a]} ${av[$a]}" "$f: a listed difference (${listed[$f]}): the reader refuses it, the schema accepts it"
        unset "listed[$f]"
    else
        assert_eq "${cv[$a]}" "${av[$a]}" "$f: the reader and the schema agree (C: ${why[$a]})"
    fi
done
for f in "${!listed[@]}"; do
    fail "schema-differences.txt lists $f, which is not in the corpus"
done
echo "corpus: $valid valid and $invalid invalid documents"
assert_eq refused "${av[$SRC/tests/data/docs/invalid/project-amount-number-three-decimals.yaml]}" \
    "amount: 60000.005 is refused by the schema too"

# The enumerations: the schemas' lists are the reader's, in the same order.
"$ELIGO_DOC_VERDICT" --enums >"$WORK/enums.tsv"
enum_of() { grep "^$1	" "$WORK/enums.tsv" | cut -f2 | paste -sd' '; }
assert_eq "$(enum_of legal_status)" "$(jq -r '[."$defs".legal_status.anyOf[].const] | join(" ")' "$SRC/schemas/project.schema.json")" "legal statuses of the reader and of the schema"
assert_eq "$(enum_of category)" "$(jq -r '[."$defs".category.anyOf[].const] | join(" ")' "$SRC/schemas/project.schema.json")" "categories of the reader and of the schema"
assert_eq "$(enum_of nature)" "$(jq -r '[."$defs".nature.anyOf[].const] | join(" ")' "$SRC/schemas/financer.schema.json")" "natures of the reader and of the schema"
assert_eq 28 "$(grep -c '^legal_status' "$WORK/enums.tsv")" "28 legal statuses"
for s in $(enum_of legal_status); do
    assert_contains "$(cat "$SRC/docs/guide-instructeur.md")" "| \`$s\` |" "the guide describes the legal status $s"
done

# The line for the YAML language server, first in every document but the invalid ones (whose
# first line states the expected error) and the one that tests a byte order mark; its path
# leads from the document's place in the repository to the schema of its kind.
for i in "${!files[@]}"; do
    f=${files[$i]} a=${abs[$i]}
    [[ $f == tests/data/docs/invalid/* || $f == */financer-bom.yaml ]] && continue
    first=$(head -1 "$a")
    kind=$(grep -m1 '^kind:' "$a" | awk '{print $2}')
    rel=${first#"# yaml-language-server: \$schema="}
    CHECKS=$((CHECKS + 1))
    if [[ $rel == "$first" ]]; then
        fail "$f: first line is not the yaml-language-server line: $first"
        continue
    fi
    place=${f#corpus/}
    place=${place#docs-*/*/}
    target=$(cd "$SRC/$(dirname "$place")" && realpath -m "$rel")
    assert_eq "$SRC/schemas/$kind.schema.json" "$target" "$f: the schema line leads to the $kind schema"
done

# What an editor shows: the YAML language server, given nothing but the documents (their schema
# line finds the schema), finds nothing to say about the seeds, the templates and the awards, and
# points at a misspelt status, an amount with three decimals, an unknown field, an unknown nature
# and an award's RNA number one digit short.
L=$WORK/lsp
mkdir -p "$L/seeds/projects" "$L/seeds/calls" "$L/seeds/financers"
ln -s "$SRC/schemas" "$L/schemas"
seed=$SRC/seeds/projects/centres-sociaux-connectes-2018.yaml
sed -e '0,/status: association/s//status: asociation/' -e 's/amount: "300 000,00 €"/amount: 60000.005/' \
    "$seed" >"$L/seeds/projects/typos.yaml"
sed 's/^title:/titre:/' "$SRC/seeds/calls/mel-strategie-digitale-2018.yaml" >"$L/seeds/calls/typo.yaml"
sed 's/^nature: .*/nature: privat/' "$SRC/seeds/financers/mel.yaml" >"$L/seeds/financers/typo.yaml"
mkdir -p "$L/tests/data/scdl/awards"
sed 's/rna: W595000001/rna: W59500000/' "$SRC/tests/data/scdl/awards/mel-centres-sociaux-2018.yaml" \
    >"$L/tests/data/scdl/awards/typo.yaml"
awards=("$SRC"/tests/data/docs/valid/award-*.yaml "$SRC"/tests/data/scdl/awards/*.yaml)
run node "$TOOLS/lsp-diagnostics.mjs" "$SRC"/seeds/*/*.yaml "$SRC"/schemas/templates/*.yaml \
    "${awards[@]}" "$L"/seeds/*/typo*.yaml "$L/tests/data/scdl/awards/typo.yaml"
assert_eq 0 "$RC" "the YAML language server answers for every document ($ERR)"
for f in "$SRC"/seeds/*/*.yaml "$SRC"/schemas/templates/*.yaml "${awards[@]}"; do
    assert_eq "$f	ok" "$(grep -F "$f	" <<<"$OUT")" "the YAML language server finds $f valid"
done
status_line=$(grep -n 'status: asociation' "$L/seeds/projects/typos.yaml" | cut -d: -f1)
amount_line=$(grep -n -m1 'amount: 60000.005' "$L/seeds/projects/typos.yaml" | cut -d: -f1)
assert_contains "$OUT" "$L/seeds/projects/typos.yaml	$status_line:13 Value must be \"association\" | " "the editor points at the misspelt status"
assert_contains "$OUT" "$L/seeds/projects/typos.yaml	$amount_line:" "the editor points at the amount"
assert_contains "$(grep -F "	$amount_line:" <<<"$OUT")" "Value is not divisible by 0.01." "three decimals"
assert_contains "$OUT" "$L/seeds/calls/typo.yaml	$(grep -n '^titre:' "$L/seeds/calls/typo.yaml" | cut -d: -f1):1 Property titre is not allowed." "the editor points at the unknown field"
assert_contains "$OUT" "$L/seeds/financers/typo.yaml	$(grep -n '^nature:' "$L/seeds/financers/typo.yaml" | cut -d: -f1):9 Value must be \"eu\"" "the editor points at the unknown nature"
assert_contains "$OUT" "$L/tests/data/scdl/awards/typo.yaml	$(grep -n 'rna: W59500000$' "$L/tests/data/scdl/awards/typo.yaml" | cut -d: -f1):10 String does not match the pattern of \"^W[0-9]{9}\$\"." \
    "the editor points at the award's RNA number"
finish
