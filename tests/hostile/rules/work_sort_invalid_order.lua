-- Trick: a comparator that always answers true (an invalid order).
-- Expected: Lua detects it: error "invalid order function for sorting" at line 6.
rule { id = "tri-invalide", title = "Comparateur toujours vrai", check = function(p)
    local t = {}
    for i = 1, 1000 do t[i] = i end
    table.sort(t, function(a, b) return true end)
    return pass("sorted")
end }
