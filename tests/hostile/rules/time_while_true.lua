-- Trick: an infinite loop, then a rule that should still run.
-- Expected: the instruction limit stops the loop: error "instruction limit exceeded
-- (20000000 instructions)" at line 5; the limit is per rule, so the next rule passes.
rule { id = "boucle", title = "while true", check = function(p)
    while true do end
end }
rule { id = "temoin", title = "Après la boucle", check = function(p) return pass("still running") end }
