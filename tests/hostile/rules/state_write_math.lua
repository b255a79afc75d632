-- Trick: make math.max return the minimum.
-- Expected: error "math.max is read-only" at line 4.
rule { id = "ecrire-math", title = "Remplacer math.max", check = function(p)
    math.max = math.min
    return pass("math.max replaced")
end }
