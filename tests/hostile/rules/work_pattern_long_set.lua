-- Trick: a character set of 100 000 bytes: every position of the text scans the
-- whole set (10^10 steps per call), charged as one step per position.
-- Expected: refused: error "would take too long" at line 8, within the 10 s bound.
rule { id = "motif-ensemble", title = "Ensemble [aaaa...]", check = function(p)
    local s = string.rep("b", 100000)
    local set = "[" .. string.rep("a", 100000) .. "]"
    local n = 0
    for i = 1, 50 do if string.find(s, set) then n = n + 1 end end
    return pass(tostring(n))
end }
