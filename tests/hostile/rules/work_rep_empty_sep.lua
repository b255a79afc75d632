-- Trick: string.rep of an empty text with a separator, a billion times.
-- Expected: error "string.rep of 1000000000 copies would take too long" at line 4.
rule { id = "rep-separateur", title = "string.rep avec séparateur", check = function(p)
    return pass(tostring(#string.rep("", 1e9, ",")))
end }
