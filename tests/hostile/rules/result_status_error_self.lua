-- Trick: turn a pass() result into status "error" (a rule may report its own error).
-- Expected: taken as the rule's own error: status error with its message "self-reported",
-- at the declaration, line 4.
rule { id = "statut-erreur", title = "Statut erreur", check = function(p)
    local r = pass("self-reported")
    r.status = "error"
    return r
end }
