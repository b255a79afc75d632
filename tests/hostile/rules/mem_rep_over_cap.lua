-- Trick: one string.rep of 60 MB: cheap enough for the work budget, too big for memory.
-- Expected: error "memory limit exceeded (33554432 bytes)" at the declaration, line 3.
rule { id = "rep-60mo", title = "60 Mo d'un coup", check = function(p)
    return pass(tostring(#string.rep("x", 60000000)))
end }
