-- Trick: run a shell command through os.execute.
-- Expected: os is not in the sandbox: error "attempt to index a nil value (global 'os')" at line 4.
rule { id = "evasion-os", title = "Lancer une commande", check = function(p)
    os.execute("touch /tmp/eligo-hostile-was-here")
    return pass("commande lancée")
end }
