-- Trick: sort a million items with a Lua comparator.
-- Expected: error "instruction limit exceeded (20000000 instructions)" at line 6.
rule { id = "tri-enorme", title = "Trier un million d'éléments", check = function(p)
    local t = {}
    for i = 1, 1000000 do t[i] = (i * 7919) % 1000003 end
    table.sort(t, function(a, b) return a > b end)
    return pass("sorted")
end }
