-- Trick: an invented status.
-- Expected: error "the result's status is \"maybe\"" at the declaration, line 3.
rule { id = "statut-peut-etre", title = "Statut maybe", check = function(p)
    local r = fail("non")
    r.status = "maybe"
    return r
end }
