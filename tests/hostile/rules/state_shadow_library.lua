-- Trick: shadow library globals (pass, total_expenses) at file level.
-- Expected: contained to this file: its own rule fails with "shadowed: 0"; the witness
-- call after it (same process) still has the real ones.
total_expenses = function() return 0 end
pass = function(m) return fail("shadowed: " .. m) end
rule { id = "masquer", title = "Masquer pass", check = function(p)
    return pass(tostring(total_expenses(p)))
end }
