# replay evaluates a decision again from the store alone (stored project,
# call and financer versions, rule sources stored by content): a rule file
# changed or removed on disk after the decision does not change the replay.
# A divergence is reported exactly; an altered stored source is refused.
# Replay stores nothing.
source "$(dirname "$0")/lib.sh"
rules=$WORK/rules
cp -r "$SRC/rules" "$rules"
export ELIGO_RULES=$rules
call_file=$rules/calls/mel-strategie-digitale-2018.lua
import_seeds
eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 >/dev/null
assert_eq 1 "$(rows decisions)" "decision 1 stored"

# The cap is edited on disk: a new check is ineligible, decision 1 replays as it was.
sed -i 's/max = param "max_equipment"/max = eur(50000)/' "$call_file"
run eligo check centres-sociaux-connectes-2018 --call mel-strategie-digitale-2018 --format json
assert_eq ineligible "$(jqr .outcome)" "the edited rules make the seed ineligible"
run eligo replay 1
assert_eq 0 "$RC" "replay of decision 1 after the rule file changed ($ERR)"
assert_eq "Décision n° 1 rejouée : identique — ÉLIGIBLE" "$OUT" "replay text"
run eligo replay 1 --format json
assert_eq "true eligible eligible" "$(jqr '"\(.same) \(.outcome) \(.replayed_outcome)"')" "replay JSON"
assert_eq "0 0" "$(jqr '"\(.diff.rules | length) \(.diff.figures | length)"')" "no rule or figure differs"
assert_eq "[]" "$(jqr '.notes | tostring')" "no note: financers were pinned, same engine"
run eligo replay 2
assert_eq 0 "$RC" "decision 2 (edited rules) replays too"
assert_contains "$OUT" "identique — NON ÉLIGIBLE" "as ineligible"
run eligo trace diff 1 2 --format json
assert_eq "rules/calls/mel-strategie-digitale-2018.lua" "$(jqr '.rule_files[].path')" \
    "the two decisions ran different rule files"
assert_eq "plafond-materiel" "$(jqr '[.rules[].id] | join(" ")')" "and differ by the cap"

# Rule sources are stored once per distinct content: the library once, the
# call file twice (before and after the edit).
distinct=$( (eligo trace show 1 --format json; eligo trace show 2 --format json) |
    jq -r '.rule_files[].sha256' | sort -u | wc -l)
assert_eq "$distinct" "$(rows rule_sources)" "one stored source per distinct content"
assert_eq 2 "$(sqlite3 "$ELIGO_DB" "SELECT count(DISTINCT sha256) FROM ruleset_files
    WHERE path = 'rules/calls/mel-strategie-digitale-2018.lua'")" "two versions of the call file"
assert_eq 2 "$(rows rulesets)" "one ruleset per version of the rules"

# Not even the rules directory is needed.
rm -rf "$rules"
run eligo replay 1
assert_eq 0 "$RC" "replay without any rule file on disk ($ERR)"
assert_eq 2 "$(rows decisions)" "replay stores nothing"

# A new version of a financer does not change a replay: versions are pinned.
sed 's/^name: .*/name: "Métropole Européenne de Lille (renommée)"/' "$SRC/seeds/financers/mel.yaml" >"$WORK/mel.yaml"
run eligo import "$WORK/mel.yaml"
assert_contains "$OUT" "v2 nouvelle version" "financer MEL version 2"
run eligo replay 1 --format json
assert_eq "true" "$(jqr .same)" "financer versions pinned"

# A divergence: the stored trace says the cap failed (as an engine change
# could); replay names the rule and the field.
cp "$ELIGO_DB" "$WORK/altered.db"
sqlite3 "$WORK/altered.db" "DROP TRIGGER decisions_no_update;
  UPDATE decisions SET trace = json_set(trace, '$.rules[0].status', 'fail',
  '$.rules[0].figures.max', 5000000) WHERE id = 1"
run eligo --db "$WORK/altered.db" replay 1
assert_eq 1 "$RC" "divergence exits 1"
assert_contains "$OUT" "Décision n° 1 rejouée : DIVERGENCE — ÉLIGIBLE" "says it diverges"
assert_contains "$OUT" $'  plafond-materiel\n    status : "fail" → "pass"' "names the rule and its status"
assert_contains "$OUT" "    chiffre max : 50 000,00 € → 80 820,00 €" "and the figure"
run eligo --db "$WORK/altered.db" replay 1 --format json
assert_eq "false plafond-materiel" "$(jqr '"\(.same) \(.diff.rules[0].id)"')" "JSON divergence"

# A decision stored before rulesets (its whole document in the trace, its
# rule files in decision_rule_files) and before financer versions were
# recorded, by an older eligo: replay uses the latest financers and says so;
# the engine version is a note, not a divergence.
cp "$ELIGO_DB" "$WORK/older.db"
eligo trace show 1 --format json |
    jq -c 'del(.financer_versions, .decision_id, .created_at) | .engine_version = "0.0.9"' \
        >"$WORK/old-trace.json"
sqlite3 "$WORK/older.db" "DROP TRIGGER decisions_no_update;
  INSERT INTO decision_rule_files (decision_id, position, path, sha256)
    SELECT 1, f.position, f.path, f.sha256 FROM decisions AS d
    JOIN ruleset_files AS f ON f.ruleset = d.ruleset WHERE d.id = 1;
  UPDATE decisions SET trace = CAST(readfile('$WORK/old-trace.json') AS TEXT), ruleset = NULL
    WHERE id = 1"
run eligo --db "$WORK/older.db" trace show 1 --format json
assert_eq "1 0.0.9" "$(jqr '"\(.format) \(.engine_version)"')" "an older decision still shows"
run eligo --db "$WORK/older.db" replay 1 --format json
assert_eq 0 "$RC" "older decision replays ($ERR)"
assert_eq true "$(jqr .same)" "the same"
assert_eq "cette décision n'a pas noté les versions de ses financeurs : les plus récentes ont été utilisées|décidée par eligo 0.0.9, rejouée par eligo $(eligo --version | cut -d' ' -f2)" \
    "$(jqr '.notes | join("|")')" "notes"
run eligo --db "$WORK/older.db" replay 1
assert_contains "$OUT" "note : cette décision n'a pas noté les versions de ses financeurs" "note in text"

# A record as eligo 0.1 stored it (format 3: the project, its hash, the
# outcome and the ruleset repeated in the record, each fact with its whole
# path, each rule with its id; the key figures in their full form) shows,
# lists, replays and diffs as today's record of the same decision.
cp "$ELIGO_DB" "$WORK/format3.db"
eligo trace show 1 --format json >"$WORK/today.json"
sqlite3 "$ELIGO_DB" "SELECT trace FROM decisions WHERE id = 1" >"$WORK/rec4.json"
sqlite3 "$ELIGO_DB" "SELECT s.body FROM rulesets AS s JOIN decisions AS d ON d.ruleset = s.sha256
  WHERE d.id = 1" >"$WORK/ruleset.json"
assert_eq 4 "$(jq .format "$WORK/rec4.json")" "records are stored in format 4"
jq -c --slurpfile rs "$WORK/ruleset.json" --slurpfile doc "$WORK/today.json" '
  def fill($shape; $idx): reduce $idx[] as $i ($shape; sub("\\[\\]"; "[\($i)]"));
  . as $r | {format: 3, ruleset: $doc[0].ruleset_sha256_record, project: $doc[0].project,
    project_version: $doc[0].project_version, project_sha256: $doc[0].project_sha256,
    outcome: $doc[0].outcome, parameters: .parameters,
    facts: [.facts[] | if (.[0] | type) == "number"
                      then [fill($r.paths[.[0]]; .[1:-1]), .[-1]] else . end],
    rules: [.rules | to_entries[] | .value + {id: (.value.id // $rs[0].rules[.key].id)}]}' \
    "$WORK/rec4.json" >"$WORK/rec3.json"
ruleset=$(sqlite3 "$ELIGO_DB" "SELECT ruleset FROM decisions WHERE id = 1")
jq -c --arg rs "$ruleset" '.ruleset = $rs' "$WORK/rec3.json" >"$WORK/rec3b.json"
jq -c .figures "$WORK/today.json" >"$WORK/figures-full.json"
sqlite3 "$WORK/format3.db" "DROP TRIGGER decisions_no_update;
  UPDATE decisions SET trace = CAST(readfile('$WORK/rec3b.json') AS TEXT),
    figures = CAST(readfile('$WORK/figures-full.json') AS TEXT) WHERE id = 1"
assert_eq 3 "$(sqlite3 "$WORK/format3.db" "SELECT trace ->> 'format' FROM decisions WHERE id = 1")" \
    "decision 1 now holds a format 3 record"
run eligo --db "$WORK/format3.db" trace show 1 --format json
assert_eq 0 "$RC" "a format 3 record shows ($ERR)"
assert_eq "$(cat "$WORK/today.json")" "$OUT" "the same document as from its format 4 record"
run eligo --db "$WORK/format3.db" trace list --format json
assert_eq "$(eligo trace list --format json)" "$OUT" "trace list: the same figures in either form"
run eligo --db "$WORK/format3.db" replay 1 --format json
assert_eq "0 true" "$RC $(jqr .same)" "a format 3 record replays identically ($ERR)"
# Figures in the full form are listed as stored, even where today's writer
# would add a member (0.1 stored no financer's "requested").
jq -c 'del(.financers[].requested)' "$WORK/figures-full.json" >"$WORK/figures-old.json"
cp "$WORK/format3.db" "$WORK/format3b.db"
sqlite3 "$WORK/format3b.db" \
    "UPDATE decisions SET figures = CAST(readfile('$WORK/figures-old.json') AS TEXT) WHERE id = 1"
run eligo --db "$WORK/format3b.db" trace list --format json
assert_eq "$(cat "$WORK/figures-old.json")" "$(head -1 <<<"$OUT" | jq -c .figures)" \
    "full-form figures are listed as stored"
run eligo --db "$WORK/format3.db" trace diff 1 2 --format json
assert_eq "$(eligo trace diff 1 2 --format json)" "$OUT" "and diffs as before"
assert_contains "$(cat "$WORK/rec3b.json")" "\"facts\":[[\"" "the format 3 record has whole paths"

# An altered stored rule source is refused, naming the file.
cp "$ELIGO_DB" "$WORK/tampered.db"
sqlite3 "$WORK/tampered.db" "DROP TRIGGER rule_sources_no_update;
  UPDATE rule_sources SET body = CAST('-- altered' AS BLOB) WHERE sha256 =
  (SELECT f.sha256 FROM decisions AS d JOIN ruleset_files AS f ON f.ruleset = d.ruleset
   WHERE d.id = 1 AND f.path LIKE 'rules/calls/%')"
run eligo --db "$WORK/tampered.db" replay 1
assert_eq 5 "$RC" "tampered source: store error"
assert_contains "$ERR" "décision n° 1 : la source enregistrée de rules/calls/mel-strategie-digitale-2018.lua ne correspond pas à son sha256" \
    "names the file"

run eligo replay 9
assert_eq 3 "$RC" "unknown decision"
assert_contains "$ERR" "pas de décision n° 9 dans le magasin" "names it"
run eligo replay
assert_eq 2 "$RC" "no id"
run eligo replay 1 2
assert_eq 2 "$RC" "two ids"
run eligo replay --help
assert_eq 0 "$RC" "replay --help"
assert_contains "$OUT" "N'enregistre rien" "help says replay stores nothing"
assert_eq 2 "$(rows decisions)" "still two decisions"
finish
