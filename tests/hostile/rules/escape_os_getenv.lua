-- Trick: read the engine's environment (a secret, the database path) at file level.
-- Expected: os is not in the sandbox: the rule file does not load, error
-- "attempt to index a nil value (global 'os')" at line 5.
local where = "?"
where = os.getenv("ELIGO_DB")
rule { id = "evasion-env", title = "Lire l'environnement", check = function(p)
    return pass(where)
end }
