# Rule limits are configurable (--max-instructions, --max-memory and their
# environment variables), recorded in each decision, and replay runs under
# the recorded limits so it reproduces the decision.
source "$(dirname "$0")/lib.sh"
rule_call_fixture work
rules=$RULES
# About 400 000 instructions: passes under the default limit.
cat >"$rules/calls/work.lua" <<'LUA'
rule { id = "travail", title = "Une règle qui calcule longtemps", check = function(p)
    local n = 0
    for i = 1, 100000 do n = n + i % 7 end
    return n > 0
end }
rule { id = "memoire", title = "Une règle qui prend 2 Mio", check = function(p)
    return #string.rep("x", 2 * 1024 * 1024) > 0
end }
LUA

run eligo check p --format json
assert_eq 0 "$RC" "default limits: the rule passes"
assert_eq 50000000 "$(jqr .limits.instructions)" "default instruction limit recorded"
assert_eq $((64 << 20)) "$(jqr .limits.memory)" "default memory limit recorded"

run eligo --max-instructions 100000 check p --format json
assert_eq 4 "$RC" "a lower limit stops the rule"
assert_eq error "$(jqr '.rules[0].status')" "rule status"
assert_contains "$(jqr '.rules[0].message')" "limite d'instructions dépassée (100000 instructions)" "message"
assert_eq 100000 "$(jqr .limits.instructions)" "limit recorded"

run env ELIGO_MAX_INSTRUCTIONS=100000 "$ELIGO_BIN" check p --format json
assert_eq 4 "$RC" "the environment variable sets the limit"
run env ELIGO_MAX_INSTRUCTIONS=100000 "$ELIGO_BIN" --max-instructions 1000000 check p --format json
assert_eq 0 "$RC" "the option wins over the environment"

# Replay uses the limits each decision recorded.
run eligo replay 1
assert_eq 0 "$RC" "replay of the default-limit decision ($OUT $ERR)"
run eligo replay 2
assert_eq 0 "$RC" "replay of the low-limit decision reproduces its error ($OUT $ERR)"
run eligo --max-instructions 100000 replay 1
assert_eq 1 "$RC" "replaying under a lower limit than recorded diverges"

# trace diff names the limit that changed.
run eligo trace diff 1 2 --format json
assert_eq limits "$(jqr '[.decision[].field] | map(select(. == "limits")) | join("")')" "diff shows the limits"

# Memory: 2 MiB of text do not fit in a 1 MiB sandbox.
run eligo --max-memory 1 check p --format json
assert_eq 4 "$RC" "1 MiB is too little for the second rule"
assert_eq "pass error" "$(jqr '[.rules[].status] | join(" ")')" "only the memory rule fails"
assert_contains "$(jqr '.rules[1].message')" "limite de mémoire dépassée (1048576 octets)" "says why"
assert_eq $((1 << 20)) "$(jqr .limits.memory)" "memory limit recorded"

# Bad values are usage errors.
run eligo --max-instructions abc check p
assert_eq 2 "$RC" "non-numeric limit"
run eligo --max-memory 0 check p
assert_eq 2 "$RC" "zero memory"
run env ELIGO_MAX_MEMORY_MB=-3 "$ELIGO_BIN" check p
assert_eq 2 "$RC" "bad environment value"
finish
