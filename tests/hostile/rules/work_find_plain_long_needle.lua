-- Trick: a plain find (charged by the text's length only) of a 100 000-byte needle
-- that almost matches everywhere in 200 000 bytes: 10^10 byte comparisons per call,
-- repeated 100 times (about 28 s).
-- Expected: refused: error "would take too long" at line 9, within the 10 s bound.
rule { id = "find-simple", title = "Recherche simple d'une longue aiguille", check = function(p)
    local s = string.rep("a", 200000)
    local needle = string.rep("a", 100000) .. "b"
    local n = 0
    for i = 1, 100 do if string.find(s, needle, 1, true) then n = n + 1 end end
    return pass(tostring(n))
end }
