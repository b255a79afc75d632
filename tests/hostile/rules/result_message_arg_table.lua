-- Trick: give pass() a table as its message.
-- Expected: refused by pass(): error "a rule message must be text, got table", located
-- at the declaration, line 4 (`return pass(...)` is a tail call: the check's frame is gone).
rule { id = "message-argument", title = "pass({})", check = function(p)
    return pass({ "oui" })
end }
