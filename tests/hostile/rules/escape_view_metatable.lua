-- Trick: reach the shared metatable of project views to make them writable.
-- Expected: getmetatable(p) is the text "read-only view": error
-- "attempt to index a string value (local 'mt')" at line 6.
rule { id = "evasion-vue", title = "Métatable des vues", check = function(p)
    local mt = getmetatable(p)
    mt.__newindex = nil
    return pass("views writable")
end }
