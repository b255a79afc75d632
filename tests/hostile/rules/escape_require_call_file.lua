-- Trick: require a call's rule file (or any file of the tree) by a dotted or slashed name.
-- Expected: refused like any path: error
-- "require expects a rule library module name" at line 5.
rule { id = "evasion-require-appel", title = "require d'un autre appel", check = function(p)
    local m = require("calls.witness")
    return pass(tostring(m))
end }
