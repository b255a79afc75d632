-- Trick: require a path outside the rules directory.
-- Expected: module names only: error
-- "require expects a rule library module name such as \"budget\"" at line 5.
rule { id = "evasion-require-chemin", title = "require d'un chemin", check = function(p)
    local m = require("../../../../etc/passwd")
    return pass(tostring(m))
end }
