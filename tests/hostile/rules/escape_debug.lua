-- Trick: reach the registry (and every private table) through the debug library.
-- Expected: debug is removed once the prelude has run: error
-- "attempt to index a nil value (global 'debug')" at line 5.
rule { id = "evasion-debug", title = "Le registre", check = function(p)
    local reg = debug.getregistry()
    return pass(tostring(#reg))
end }
