-- Trick: a thousand finds, each costing a million steps (under the per-call refusal).
-- Expected: the budget runs out: error "string.find with pattern \"a-b\" on a text of
-- 1000 bytes would take too long" at line 7.
rule { id = "motif-repete", title = "Mille recherches", check = function(p)
    local s, n = string.rep("a", 1000), 0
    for i = 1, 1000 do
        if string.find(s, "a-b") then n = n + 1 end
    end
    return pass(tostring(n))
end }
