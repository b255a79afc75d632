# Missing facts are not failures (issue 11): every seed project with its
# applicants' legal status removed is `incomplete` for each call that needs
# the status and that it met, never `ineligible` because of it; restored, it
# gets its earlier outcomes back. The missing fields are listed with the
# rule that needs them, in text, JSON, trace list, batch and the letter.
source "$(dirname "$0")/lib.sh"
import_seeds

outcomes() { # project -> "call outcome" lines, sorted
    eligo check "$1" --format json | jq -r '"\(.call) \(.outcome)"' | sort
}

# Removes `status:` from the applicants (flow or block style), not from the
# resources.
without_status() {
    awk '
/^applicants:/ { inapp = 1; print; next }
/^[a-z_]+:/ { inapp = 0 }
inapp { gsub(/, status: [a-z-]+/, ""); if ($0 ~ /^ +status: /) next }
{ print }' "$1"
}

# On the seeds as they are, no rule lists a missing field: reading an
# optional field the project does not have (an expense line's `action`, a
# resource's `earmark`) is not a missing fact.
for seed in "$SRC"/seeds/projects/*.yaml; do
    id=$(basename "$seed" .yaml)
    assert_eq "" "$(eligo check "$id" --format json | jq -r '.rules[] | select((.missing // []) | length > 0) | .id')" \
        "$id: no missing field on the seed"
done

# Removes the `territory:` list, on one line or more.
no_territory() {
    awk '/^territory:/ { skip = 1 } skip { if ($0 ~ /\]$/) skip = 0; next } { print }' "$1"
}

declare -A before
mkdir -p "$WORK/incomplete"
for seed in "$SRC"/seeds/projects/*.yaml; do
    id=$(basename "$seed" .yaml)
    before[$id]=$(outcomes "$id")
    without_status "$seed" >"$WORK/incomplete/$id.yaml"
    assert_not_contains "$(sed -n '/^applicants:/,/^[a-z]/p' "$WORK/incomplete/$id.yaml")" \
        "status:" "$id: the variant has no applicant status"
done
run eligo import "$WORK/incomplete"
assert_eq 0 "$RC" "an application without its statuses is imported ($ERR)"

incomplete_seen=0
for seed in "$SRC"/seeds/projects/*.yaml; do
    id=$(basename "$seed" .yaml)
    after=$(outcomes "$id")
    while read -r call was; do
        now=$(awk -v c="$call" '$1 == c { print $2 }' <<<"$after")
        if [[ $was == eligible ]]; then
            # Eligible before: now incomplete when the call needs the status,
            # eligible when it does not (the FEDER call); never refused.
            [[ $now == incomplete || $now == eligible ]] ||
                fail "$id / $call: eligible before, $now without the statuses"
            CHECKS=$((CHECKS + 1))
        else
            assert_eq "$was" "$now" "$id / $call: a failing rule still decides"
        fi
        [[ $now != incomplete ]] || incomplete_seen=$((incomplete_seen + 1))
    done <<<"${before[$id]}"
done
assert_eq 8 "$incomplete_seen" "decisions made incomplete by the missing statuses"

# The FEDER call does not read the status: still eligible; the MEL call's
# applicants rule lists each applicant's status, the decision is incomplete
# and check exits 6.
run eligo check centres-sociaux-connectes-2018 --format json
assert_eq 6 "$RC" "exit 6: incomplete, nothing refused ($ERR)"
mel=$(jq -c 'select(.call == "mel-strategie-digitale-2018")' <<<"$OUT")
assert_eq incomplete "$(jq -r .outcome <<<"$mel")" "MEL call incomplete"
assert_eq "applicants[0].status applicants[1].status" \
    "$(jq -r '[.rules[] | select(.id == "beneficiaires-associations") | .missing[]] | join(" ")' <<<"$mel")" \
    "the applicants rule names the fields to fill"
assert_eq missing "$(jq -r '.rules[] | select(.id == "beneficiaires-associations") | .status' <<<"$mel")" \
    "the rule's status"
assert_eq "pass" "$(jq -r '[.rules[] | select(.id == "equilibre") | .status] | join(" ")' <<<"$mel")" \
    "the rules that need nothing missing still run"
assert_eq eligible "$(jq -r 'select(.call == "feder-iti-inclusion-numerique-2018") | .outcome' <<<"$OUT")" \
    "FEDER call: needs no status"
# A read of an optional field is never missing: no rule of an eligible
# decision lists a missing field.
assert_eq "" "$(jq -r 'select(.outcome == "eligible") | .rules[] | select((.missing // []) | length > 0) | .id' <<<"$OUT")" \
    "no missing field on an eligible decision"

run eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018
assert_eq 6 "$RC" "text: exit 6"
assert_contains "$(head -1 <<<"$OUT")" "DOSSIER INCOMPLET" "text outcome"
assert_contains "$OUT" "MANQUE" "text status of the rule"
assert_contains "$OUT" "à fournir : Statut juridique du porteur" "text: the field in words"
assert_contains "$OUT" "(applicants[0].status)" "text: the document field"

# A failing rule still makes the decision ineligible (exit 1).
run eligo check forum-solidarite-fives-2011 --format json
assert_eq 1 "$RC" "a failing rule: exit 1"
assert_eq ineligible "$(jqr .outcome)" "a failing rule: ineligible"

# trace list and batch count them.
run eligo trace list --outcome incomplete --format json
assert_eq 0 "$RC" "trace list --outcome incomplete ($ERR)"
assert_contains "$OUT" '"outcome":"incomplete"' "listed as incomplete"
assert_not_contains "$OUT" '"outcome":"eligible"' "only incomplete ones"
run eligo batch mel-appel-projets-territoires --format json
assert_eq 0 "$RC" "batch ($ERR)"
assert_eq 5 "$(jqr .outcomes.incomplete)" "batch counts the incomplete decisions"
assert_eq 0 "$(jqr .outcomes.ineligible)" "none refused"
run eligo batch mel-appel-projets-territoires
assert_contains "$OUT" "5 incomplet(s)" "batch text summary"

# whatif: the same call without the rules that need the statuses makes the
# incomplete decisions eligible again, and says so.
mkdir -p "$WORK/rules"
cp -r "$SRC/rules/lib" "$SRC/rules/calls" "$WORK/rules/"
awk '/^(applicants|convention|self_financing) \{/ { skip = 1 } !skip { print } skip && /^\}/ { skip = 0 }' \
    "$SRC/rules/calls/mel-appel-projets-territoires.lua" >"$WORK/rules/calls/mel-appel-projets-territoires.lua"
run eligo whatif mel-appel-projets-territoires --rules "$WORK/rules" --format json
assert_eq 1 "$RC" "whatif without the status rules: decisions change ($ERR)"
assert_eq 5 "$(jqr .summary.from_incomplete)" "whatif: five no longer incomplete"
assert_eq 0 "$(jqr .summary.to_incomplete)" "whatif: none becomes incomplete"
run eligo whatif mel-appel-projets-territoires --rules "$WORK/rules"
assert_contains "$OUT" "5 ne le sont plus" "whatif text summary"

# The applicant's letter lists what to provide, in words.
id=$(eligo trace list --project cine-cite-social --format json | jq -r '.decision_id' | tail -1)
run eligo explain "$id" --format text
assert_eq 0 "$RC" "explain an incomplete decision ($ERR)"
assert_contains "$OUT" "Votre dossier est incomplet" "letter: the result"
assert_contains "$OUT" "Les informations à fournir" "letter: the list"
assert_contains "$OUT" "Statut juridique du porteur" "letter: the field in words"
assert_not_contains "$OUT" "applicants[0]" "letter: no field path"

# Restored, every project has its earlier outcomes.
run eligo import "$SRC/seeds/projects"
assert_eq 0 "$RC" "restore the seeds ($ERR)"
for seed in "$SRC"/seeds/projects/*.yaml; do
    id=$(basename "$seed" .yaml)
    assert_eq "${before[$id]}" "$(outcomes "$id")" "$id restored: the earlier outcomes"
done

# An ineligible seed whose failing rule lacks its fact: the territory of
# forum-solidarite-fives-2011 is outside the call's; without it the officer
# is told what to ask for, not that the project is refused.
no_territory "$SRC/seeds/projects/forum-solidarite-fives-2011.yaml" >"$WORK/fsf.yaml"
run eligo import "$WORK/fsf.yaml"
run eligo check forum-solidarite-fives-2011 --format json
assert_eq incomplete "$(jqr .outcome)" "the refused seed without its territory: incomplete"

# The territory a territory rule needs is a missing fact too.
no_territory "$SRC/seeds/projects/creation-solidaire-couronne-sud-2011.yaml" >"$WORK/cs.yaml"
run eligo import "$WORK/cs.yaml"
assert_eq 0 "$RC" "a project without its territory is imported ($ERR)"
run eligo check creation-solidaire-couronne-sud-2011 --format json
assert_eq 6 "$RC" "no territory: exit 6"
assert_eq incomplete "$(jqr .outcome)" "no territory: incomplete"
assert_eq "territory" "$(jqr '[.rules[] | select(.status == "missing") | .missing[]] | join(" ")')" \
    "the territory to fill"
finish
