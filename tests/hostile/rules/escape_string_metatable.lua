-- Trick: getmetatable("").__index is the real string table: replace string.rep for everyone.
-- Expected: the metatable is hidden (getmetatable("") is the text "string"): error
-- "attempt to index a nil value (field '__index')" at line 5.
rule { id = "evasion-meta-string", title = "getmetatable(\"\").__index", check = function(p)
    getmetatable("").__index.rep = function() return "" end
    return pass("string.rep replaced")
end }
