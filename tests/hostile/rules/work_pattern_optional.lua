-- Trick: 30 optional items then 30 literal ones: 2^30 ways to fail on 30 bytes.
-- Expected: error "string.match with pattern" ... "would take too long" at line 5.
rule { id = "motif-optionnel", title = "Motif a?^30 a^30", check = function(p)
    local s = string.rep("a", 30)
    return pass(tostring(string.match(s, string.rep("a?", 30) .. string.rep("a", 30) .. "b")))
end }
