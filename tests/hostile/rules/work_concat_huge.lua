-- Trick: table.concat over 2^40 indices of a table whose __index returns "" (no error to stop it).
-- Expected: error "table.concat would take too long" at line 5.
rule { id = "concat-enorme", title = "table.concat énorme", check = function(p)
    local t = setmetatable({}, { __index = function() return "" end })
    return pass(tostring(#table.concat(t, "", 1, 2 ^ 40)))
end }
