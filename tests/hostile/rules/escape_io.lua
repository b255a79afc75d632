-- Trick: read a file of the host through the io library.
-- Expected: io is not in the sandbox: error "attempt to index a nil value (global 'io')" at line 4.
rule { id = "evasion-io", title = "Lire /etc/passwd", check = function(p)
    local f = io.open("/etc/passwd")
    return pass(f:read("a"))
end }
