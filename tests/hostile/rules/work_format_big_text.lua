-- Trick: string.format("%s") of a 4 MB text in a loop (each call copies it in C).
-- Expected: error "time limit exceeded (2000 ms)" at line 7, within the bound.
rule { id = "format-texte", title = "%s d'un grand texte", check = function(p)
    local s = string.rep("x", 4000000)
    local n = 0
    while true do
        n = n + #string.format("%s", s)
    end
end }
