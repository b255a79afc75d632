-- Trick: a table that is its own __index (an endless lookup chain, no function call).
-- Expected: Lua stops the chain: error "'__index' chain too long; possible loop" at line 6.
rule { id = "meta-chaine", title = "__index = lui-même", check = function(p)
    local t = {}
    setmetatable(t, { __index = t })
    return pass(tostring(t.missing))
end }
