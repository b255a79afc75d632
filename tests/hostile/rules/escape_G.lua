-- Trick: _G, the table of the real globals.
-- Expected: absent: error "attempt to index a nil value (global '_G')" at line 4.
rule { id = "evasion-G", title = "_G", check = function(p)
    local io = _G.io
    return pass(tostring(io))
end }
