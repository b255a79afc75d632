-- Trick: a figure table that contains itself.
-- Expected: error "value nested more than 32 levels" at the declaration, line 3.
rule { id = "chiffre-cycle", title = "Un cycle", check = function(p)
    local f = {}
    f.self = f
    return pass("cycle", f)
end }
