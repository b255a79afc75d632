-- Trick: no repetition at all, but a 100 000-byte pattern tried at each of 100 000
-- positions (10^10 comparisons, about 25 s); the cost estimate only counts
-- repetitions, so the call is charged 100 001 steps.
-- Expected: refused: error "would take too long" at line 8, within the 10 s bound.
rule { id = "motif-long", title = "Motif littéral très long", check = function(p)
    local s = string.rep("a", 100000)
    local pat = string.rep("a", 99999) .. ".b"
    return pass(tostring(string.find(s, pat)))
end }
