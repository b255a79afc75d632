-- Trick: remove the status of a fail() result.
-- Expected: error "the result's status is a nil" at the declaration, line 3.
rule { id = "statut-nil", title = "Statut effacé", check = function(p)
    local r = fail("non")
    r.status = nil
    return r
end }
