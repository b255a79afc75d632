-- Trick: require a standard module that is not part of the rule library.
-- Expected: require only reads rules/lib: error
-- "cannot read rule file rules/lib/io.lua: No such file or directory" at line 5.
rule { id = "evasion-require", title = "require io", check = function(p)
    local io = require("io")
    return pass(tostring(io))
end }
