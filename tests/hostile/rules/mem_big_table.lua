-- Trick: fill a table with integers until the memory runs out.
-- Expected: error "memory limit exceeded (33554432 bytes)" at the declaration, line 3.
rule { id = "grande-table", title = "Une table sans fin", check = function(p)
    local t = {}
    for i = 1, 1e9 do t[i] = i end
end }
