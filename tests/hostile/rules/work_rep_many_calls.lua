-- Trick: many calls to string.rep, each well under the per-call cost.
-- Expected: the budget is per rule, not per call: error "string.rep of 1000000 copies
-- would take too long" at line 6, after about a hundred calls.
rule { id = "rep-repete", title = "string.rep mille fois", check = function(p)
    local n = 0
    for i = 1, 1000 do n = n + #string.rep("x", 1000000) end
    return pass(tostring(n))
end }
