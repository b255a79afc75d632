# A rule that raises an error, loops forever or eats memory gets status
# "error" with its file:line; the other rules still run; the decision's
# outcome is "error" and the exit code 4. Never a crash or a hang.
source "$(dirname "$0")/lib.sh"
rule_call_fixture broken
rules=$RULES
cat >"$rules/calls/broken.lua" <<'LUA'
balance { id = "equilibre" }

rule { id = "erreur-lua", title = "Une règle qui plante", check = function(p)
    return p.expenses[1].amount + nil
end }

rule { id = "boucle", title = "Une règle qui boucle", check = function(p)
    while true do end
end }

rule { id = "memoire", title = "Une règle qui mange la mémoire", check = function(p)
    local t = {}
    for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end
end }

rule { id = "resultat-invalide", title = "Une règle qui ne dit rien", check = function(p)
    return 42
end }

rule { id = "evasion", title = "Une règle qui cherche io/os", check = function(p)
    if io or os or debug or load or require == nil or pcall then return fail("évasion") end
    return pass("bac à sable étanche")
end }

ceiling { id = "plafond", category = "equipment", max = eur(1000) }
LUA
start=$(date +%s)
run eligo check p --format json
assert_eq 4 "$RC" "exit code for a rule error"
assert_eq error "$(jqr .outcome)" "outcome error"
assert_eq "equilibre:pass erreur-lua:error boucle:error memoire:error resultat-invalide:error evasion:pass plafond:pass" \
    "$(jqr '[.rules[] | "\(.id):\(.status)"] | join(" ")')" "every rule evaluated, errors contained"
assert_contains "$(jqr '.rules[1].message')" "rules/calls/broken.lua:4:" "Lua error with file:line"
assert_eq "rules/calls/broken.lua:4" "$(jqr '.rules[1].error_at')" "error location"
assert_eq "rules/calls/broken.lua:3" "$(jqr '.rules[1].source')" "rule declaration line"
assert_contains "$(jqr '.rules[2].message')" "limite d'instructions dépassée" "infinite loop stopped"
assert_contains "$(jqr '.rules[2].message')" "rules/calls/broken.lua:8" "loop location"
assert_contains "$(jqr '.rules[3].message')" "limite de mémoire dépassée" "memory limit"
assert_contains "$(jqr '.rules[4].message')" "a rendu number" "invalid result"
assert_eq "rules/calls/broken.lua:16" "$(jqr '.rules[4].error_at')" "invalid result located at its rule"
assert_not_contains "$(jqr '[.rules[].traceback // ""] | join("")')" "prelude" "traceback trimmed to rule files"
elapsed=$(( $(date +%s) - start ))
[[ $elapsed -lt 60 ]] || fail "rule errors took ${elapsed}s"
assert_eq 1 "$(rows decisions)" "the error decision is stored"

# A syntax error in the rule file: one error entry with file:line.
printf 'balance {\n  id = "x"\n' >"$rules/calls/broken.lua"
run eligo check p --format json
assert_eq 4 "$RC" "syntax error exit code"
assert_eq "chargement-regles:error" "$(jqr '[.rules[] | "\(.id):\(.status)"] | join(" ")')" "load error entry"
assert_contains "$(jqr '.rules[0].message')" "rules/calls/broken.lua:" "syntax error location"

# A parameter the call does not define.
printf 'ceiling { id = "c", category = "equipment", max = param "absent" }\n' >"$rules/calls/broken.lua"
run eligo check p --format json
assert_contains "$(jqr '.rules[0].message')" "le paramètre \"absent\" n'est pas défini par l'appel \"broken\"" "missing parameter"
assert_eq "rules/calls/broken.lua:1" "$(jqr '.rules[0].error_at')" "missing parameter location"

# A missing rule file.
rm "$rules/calls/broken.lua"
run eligo check p --format json
assert_eq 4 "$RC" "missing rule file"
assert_contains "$(jqr '.rules[0].message')" "calls/broken.lua" "names the missing file"
finish
