-- Trick: assign _ENV inside a check: every function of the file shares it, so the
-- next rule (and the next project) would call a forged pass().
-- Expected: contained to this file and this project: the first rule passes, the second
-- gets the forged fail "forged"; the same for each project, alone or in a row.
rule { id = "env", title = "Remplacer _ENV", check = function(p)
    local real = _ENV
    _ENV = setmetatable({ pass = function() return real.fail("forged") end }, { __index = real })
    return real.pass("replaced _ENV")
end }
rule { id = "env-suivante", title = "La règle suivante", check = function(p)
    return pass("second rule")
end }
