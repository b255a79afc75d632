-- Trick: return a number instead of a result.
-- Expected: error "rule \"nombre\" returned number" at the declaration, line 3.
rule { id = "nombre", title = "Un nombre", check = function(p)
    return 42
end }
