-- Trick: set the status of a fail() result to a table.
-- Expected: checked in C: error "the result's status is a table, not pass, fail,
-- not-applicable or error" at the declaration, line 4.
rule { id = "statut-table", title = "Statut table", check = function(p)
    local r = fail("non")
    r.status = {}
    return r
end }
