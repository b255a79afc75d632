-- Trick: a table.sort comparator that never returns.
-- Expected: error "instruction limit exceeded (20000000 instructions)" at line 6.
rule { id = "tri-boucle", title = "Comparateur sans fin", check = function(p)
    local t = { 3, 1, 2 }
    table.sort(t, function(a, b)
        while true do end
    end)
    return pass("sorted")
end }
