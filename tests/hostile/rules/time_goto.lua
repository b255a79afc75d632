-- Trick: a goto loop (no loop statement at all).
-- Expected: error "instruction limit exceeded (20000000 instructions)" at line 5.
rule { id = "goto", title = "goto en boucle", check = function(p)
    local n = 0
    ::again:: n = n + 1 goto again
end }
