# eligo lint: each kind of finding with its file:line, the exit codes, JSON
# output, lint of the rule library, and calls given as files or directories.
source "$(dirname "$0")/lib.sh"
rules=$WORK/rules
mkdir -p "$rules/calls" "$WORK/calls"
cp -r "$SRC/rules/lib" "$rules/lib"
export ELIGO_RULES=$rules
cd "$WORK"
cat >calls/essai.yaml <<'YAML'
kind: call
id: essai
title: Appel d'essai
financer: MEL
basis: Délibération d'essai
rules: calls/essai.lua
parameters:
  - name: plafond
    money: "1 000 €"
  - name: taux_max
    rate: "50 %"
  - name: jamais_utilise
    integer: 3
editions:
  - name: "2020"
    from: 2020-01-01
    parameters:
      - name: seulement_edition
        integer: 4
YAML
cat >rules/calls/essai.lua <<'LUA'
local seuil = param "plafond"
ceiling { id = "materiel", category = "equipment", max = seuil }
rule { id = "sans-titre", check = function(p)
    return total_expenses(p) <= seuil
end }
rule { id = "materiel", title = "Deuxième règle au même id", check = function(p)
    local n = param "taux_maxi"
    return share_of(p, n) and param_or("facultatif", 1) and param "seulement_edition"
end }
sub = function(a, b) return a end
helper = 2
rule { id = "utilise-helper", title = "Lit une variable définie dans le fichier", check = function(p)
    return helper == 2 and param "taux_max" ~= nil
end }
LUA
run eligo lint calls/essai.yaml
assert_eq 1 "$RC" "exit code with findings"
f=rules/calls/essai.lua
assert_eq "calls/essai.yaml:12: le paramètre « jamais_utilise » n'est demandé par aucune règle de $f [parametre-inutilise]
$f:3: la règle « sans-titre » n'a pas de titre : ajoutez title = \"...\" (la phrase montrée aux porteurs de projet) [titre-manquant]
$f:6: identifiant de règle « materiel » en double (déjà déclaré en $f:2) [id-double]
$f:7: paramètre « taux_maxi » non défini par l'appel « essai » (vouliez-vous dire « taux_max » ?) ; paramètres définis : plafond, taux_max, jamais_utilise, seulement_edition [parametre-inconnu]
$f:8: « share_of » n'est ni une fonction de la bibliothèque de règles ni une variable définie dans ce fichier [global-inconnue]
$f:10: « sub » est un nom de la bibliothèque de règles : l'affecter le masque dans tout le fichier (choisissez un autre nom, ou écrivez \`local sub\`) [global-masquee]
6 problème(s)" "$OUT" "every finding with its line"

# JSON output: the same findings as objects.
run eligo lint --format json calls/essai.yaml
assert_eq "parametre-inutilise titre-manquant id-double parametre-inconnu global-inconnue global-masquee" \
    "$(jqr '[.[] | .check] | join(" ")')" "json checks"
assert_eq 12 "$(jqr '.[0].line')" "json line"

# A rule whose basis is blank (call documents must have one, so a rule
# without basis inherits it: only an explicit blank one is a finding).
printf 'rule { id = "r", title = "t", basis = " ", check = function(p) return true end }\n' >rules/calls/essai.lua
run eligo lint calls/essai.yaml
assert_contains "$OUT" "$f:1: la règle « r » n'a pas de base légale : ajoutez basis = \"...\" à la règle ou basis: au document d'appel calls/essai.yaml [base-manquante]" "missing basis"

# A syntax error: one finding at its line; unused parameters are not claimed.
printf 'balance {\n  id = "x"\n\nrule { id = "y" }\n' >rules/calls/essai.lua
run eligo lint calls/essai.yaml
assert_eq 1 "$RC" "syntax error exit code"
assert_contains "$OUT" "$f:4: le fichier de règles ne se charge pas : « } » attendu (pour fermer « { » de la ligne 1) près de « rule »" "syntax error at its line"
assert_not_contains "$OUT" "parametre-inutilise" "no unused-parameter claims after a load error"

# A directory of calls; a non-call document given explicitly is an input error.
printf 'ceiling { id = "c", category = "equipment", max = param "plafond" }\n' >rules/calls/essai.lua
run eligo lint calls
assert_contains "$OUT" "jamais_utilise" "directory of calls"
run eligo lint "$SRC/seeds/financers/mel.yaml"
assert_eq 3 "$RC" "a financer is not a call"
assert_contains "$ERR" "pas un appel" "says why"

# Past 255 constants in a function the compiler reaches globals through
# GETUPVAL _ENV + GETTABLE/SETTABLE: still seen, at their line.
for i in $(seq 1 300); do
    printf 'rule { id = "r%d", title = "Règle %d", check = function(p) return true end }\n' "$i" "$i"
done >rules/calls/essai.lua
printf 'tardive = param "plafond"\nrule { id = "fin", title = "t", check = function(p) return tardive end }\nceling(1)\n' >>rules/calls/essai.lua
run eligo lint calls/essai.yaml
assert_contains "$OUT" "$f:303: « celing » n'est ni une fonction" "global read through GETTABLE"
assert_not_contains "$OUT" "« tardive »" "global set through SETTABLE counts as defined"

# One finding per cause: a misspelt constructor or an undefined parameter
# stops the declarations, but the load error is not repeated at that line.
printf 'celing { id = "c", category = "equipment", max = param "plafond" }\n' >rules/calls/essai.lua
run eligo lint calls/essai.yaml
assert_eq "$f:1: « celing » n'est ni une fonction de la bibliothèque de règles ni une variable définie dans ce fichier (vouliez-vous dire « ceiling » ?) [global-inconnue]
1 problème(s)" "$OUT" "misspelt constructor: one finding"
printf 'ceiling { id = "c", category = "equipment",\n  max = param "plafon" }\n' >rules/calls/essai.lua
run eligo lint calls/essai.yaml
assert_contains "$OUT" "$f:2: paramètre « plafon » non défini par l'appel « essai » (vouliez-vous dire « plafond » ?)" "undefined parameter"
assert_contains "$OUT" "$f:1: le fichier de règles ne se charge pas : ceiling : \`max\` doit être" "the consequence at another line is kept"

# A rule file given instead of its call document.
run eligo lint rules/calls/essai.lua
assert_eq 3 "$RC" "a rule file is not a call document"
assert_contains "$ERR" "rules/calls/essai.lua est un fichier de règles : lint prend des documents d'appel" "says what to give"

# The rule library is linted too.
printf '\nfunction M.mal() return celing end\n' >>rules/lib/money.lua
sed -i 's/^return M$//' rules/lib/money.lua
printf 'return M\n' >>rules/lib/money.lua
run eligo lint calls
assert_contains "$OUT" "rules/lib/money.lua:$(grep -n 'celing' rules/lib/money.lua | cut -d: -f1): « celing »" "library globals checked"

# --globals lists what rule files may use.
run eligo lint --globals
assert_contains "$OUT" "ceiling" "--globals"
assert_contains "$OUT" "param" "--globals has param"

# luac missing: a clear message and the internal-error code.
ELIGO_LUAC=/nonexistent/luac run eligo lint calls
assert_eq 5 "$RC" "no luac"
assert_contains "$ERR" "lua5.4" "names the Debian package"
finish
