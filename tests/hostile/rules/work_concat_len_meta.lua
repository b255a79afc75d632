-- Trick: a __len that claims 2^40 items, so that table.concat(t) walks them all.
-- Expected: the length is charged as it is read: error "table.concat would take too long" at line 6.
rule { id = "concat-len", title = "table.concat et __len", check = function(p)
    local t = setmetatable({}, { __len = function() return 2 ^ 40 end,
        __index = function() return "" end })
    return pass(tostring(#table.concat(t)))
end }
