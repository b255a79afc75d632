-- Trick: compile a file of the host with loadfile.
-- Expected: loadfile is removed: error "attempt to call a nil value (global 'loadfile')" at line 4.
rule { id = "evasion-loadfile", title = "Compiler un fichier", check = function(p)
    local f = loadfile("/work/main/rules/lib/budget.lua")
    return pass(tostring(f))
end }
