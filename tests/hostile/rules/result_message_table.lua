-- Trick: replace the message of a pass() result with a table.
-- Expected: error "the result's message is a table, not text" at the declaration, line 3.
rule { id = "message-table", title = "Message table", check = function(p)
    local r = pass("oui")
    r.message = { "oui" }
    return r
end }
