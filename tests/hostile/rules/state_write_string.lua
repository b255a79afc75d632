-- Trick: replace string.rep for the rules (and projects) that come after.
-- Expected: library tables are read-only: error "string.rep is read-only" at line 4.
rule { id = "ecrire-string", title = "Remplacer string.rep", check = function(p)
    string.rep = function() return "" end
    return pass("string.rep replaced")
end }
