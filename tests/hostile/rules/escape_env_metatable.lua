-- Trick: reach the shared globals through the __index of _ENV's metatable.
-- Expected: getmetatable(_ENV) is the text "globals": error
-- "attempt to index a nil value (field '__index')" at line 5.
rule { id = "evasion-env-index", title = "getmetatable(_ENV).__index", check = function(p)
    return pass(tostring(getmetatable(_ENV).__index.io))
end }
