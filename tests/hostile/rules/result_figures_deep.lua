-- Trick: figures nested 1000 levels deep.
-- Expected: error "value nested more than 32 levels" at the declaration, line 3.
rule { id = "chiffre-profond", title = "Mille niveaux", check = function(p)
    local f = {}
    for i = 1, 1000 do f = { inner = f } end
    return pass("deep", f)
end }
