-- Trick: the same backtracking pattern through string.gmatch, whose iterator runs later.
-- Expected: charged when the iterator is made: error "string.gmatch with pattern" ...
-- "would take too long" at line 6.
rule { id = "gmatch-imbrique", title = "gmatch .-.-.-b", check = function(p)
    local n = 0
    for w in string.gmatch(string.rep("a", 5000), ".-.-.-b") do n = n + 1 end
    return pass(tostring(n))
end }
