-- Trick: replace the __index of the string metatable itself.
-- Expected: getmetatable("") gives the text "string", which cannot be assigned to:
-- error "attempt to index a string value (local 'mt')" at line 6.
rule { id = "evasion-meta-string-2", title = "Remplacer __index des textes", check = function(p)
    local mt = getmetatable("")
    mt.__index = { len = function() return 0 end }
    return pass("string metatable replaced")
end }
