-- Trick: run another Lua file of the host with dofile.
-- Expected: dofile is removed: error "attempt to call a nil value (global 'dofile')" at line 4.
rule { id = "evasion-dofile", title = "Exécuter un fichier", check = function(p)
    return pass(tostring(dofile("/etc/passwd")))
end }
