# Text from rules and documents never reaches a terminal raw: ESC and BEL
# sequences in a rule's message, notice, figure or traceback are shown as
# \xNN by every text output (check, trace show, trace diff, test), so a rule
# cannot retitle the window, clear the screen or forge lines of the trace.
# JSON keeps the exact text (escaped by the JSON writer).
source "$(dirname "$0")/lib.sh"
rule_call_fixture injection
cat >"$RULES/calls/injection.lua" <<'LUA'
rule { id = "titre", title = "Une règle qui écrit sur le terminal", check = function(p)
    notice("\27[2J\27[Hécran effacé")
    return pass("\27]0;fenêtre piratée\7OK\nOK     fausse-ligne", { texte = "\27[31mrouge" })
end }

rule { id = "erreur", title = "Une erreur qui écrit sur le terminal", check = function(p)
    error("\27]0;encore\7")
end }
LUA
run eligo check p
assert_eq 4 "$RC" "the erroring rule makes exit 4 ($ERR)"
assert_not_contains "$OUT" $'\e' "no ESC reaches the terminal"
assert_not_contains "$OUT" $'\a' "no BEL reaches the terminal"
assert_contains "$OUT" '\x1B]0;fenêtre piratée\x07OK\x0AOK     fausse-ligne' "the message shown escaped, on one line"
assert_contains "$OUT" 'note : \x1B[2J\x1B[Hécran effacé' "the notice escaped"
assert_contains "$OUT" '\x1B]0;encore\x07' "the error escaped"
run eligo --facts trace show 1
assert_not_contains "$OUT" $'\e' "trace show: no ESC"
assert_contains "$OUT" 'calculé texte = \x1B[31mrouge' "a figure escaped"
run eligo trace show 1 --format json
assert_eq $'\e]0;fenêtre piratée\aOK\nOK     fausse-ligne' "$(jqr '.rules[0].message')" "JSON keeps the exact text"
finish
