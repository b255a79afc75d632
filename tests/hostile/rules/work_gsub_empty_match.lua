-- Trick: string.gsub of a pattern matching the empty text at each of 5 000 positions,
-- with a replacement of a million "%0": 5 * 10^9 steps that produce nothing (so no
-- memory limit), about 40 s. The pattern alone is cheap: the replacement is charged
-- too, at most #s + 1 expansions of one step per "%" (engine/lua/prelude.lua).
-- Expected: refused before it runs: error "would take too long" at line 11. Until
-- the replacement was charged, only the supervisor's deadline stopped it, and
-- whatif, replay and eligo test, which decided in process, ran it to its end.
rule { id = "gsub-vide", title = "gsub d'un motif vide", check = function(p)
    local s = string.rep("a", 5000)
    local repl = string.rep("%0", 1000000)
    local out = string.gsub(s, "x*", repl)
    return pass(tostring(#out))
end }
