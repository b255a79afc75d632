-- Trick: compile code at run time with load (text or a binary chunk).
-- Expected: load is removed: error "attempt to call a nil value (global 'load')" at line 4.
rule { id = "evasion-load", title = "Compiler du code", check = function(p)
    local f = load("return 1 + 1")
    return pass(tostring(f()))
end }
