-- Trick: the Lua 5.1 spelling of load.
-- Expected: absent: error "attempt to call a nil value (global 'loadstring')" at line 4.
rule { id = "evasion-loadstring", title = "Compiler du code (5.1)", check = function(p)
    local f = loadstring("return 1")
    return pass(tostring(f()))
end }
