-- Trick: %b() over 100 000 unbalanced parentheses.
-- Expected: error "string.find with pattern \"%b()\" on a text of 100000 bytes would take too long" at line 4.
rule { id = "motif-equilibre", title = "Motif %b()", check = function(p)
    return pass(tostring(string.find(string.rep("(", 100000), "%b()")))
end }
