-- Trick: load a C library through package.loadlib.
-- Expected: package is not in the sandbox: error "attempt to index a nil value (global 'package')" at line 4.
rule { id = "evasion-package", title = "Charger du C", check = function(p)
    local open = package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system")
    return pass(tostring(open))
end }
