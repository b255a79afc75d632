-- Trick: string.rep of an empty text 2^53 times: no memory, but a C loop of 2^53 steps.
-- Expected: each copy is charged: error "string.rep of 9007199254740992 copies would take too long" at line 4.
rule { id = "rep-vide", title = "string.rep du vide", check = function(p)
    return pass(tostring(#string.rep("", 2 ^ 53)))
end }
