-- Trick: a chain of nested tables.
-- Expected: error "memory limit exceeded (33554432 bytes)" at the declaration, line 3.
rule { id = "imbrication", title = "Des tables imbriquées", check = function(p)
    local t = {}
    for i = 1, 1e9 do t = { t } end
end }
