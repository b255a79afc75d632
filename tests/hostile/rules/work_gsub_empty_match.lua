-- Trick: string.gsub of a pattern matching the empty text at each of 5 000 positions,
-- with a replacement of a million "%0": 5 * 10^9 steps that produce nothing (so no
-- memory limit), about 40 s; only the pattern is charged, not the replacement.
-- Expected: refused: error "would take too long" at line 8, within the 10 s bound.
rule { id = "gsub-vide", title = "gsub d'un motif vide", check = function(p)
    local s = string.rep("a", 5000)
    local repl = string.rep("%0", 1000000)
    local out = string.gsub(s, "x*", repl)
    return pass(tostring(#out))
end }
