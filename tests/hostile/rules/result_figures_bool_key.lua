-- Trick: a figure table keyed by a boolean (and a float).
-- Expected: error "a table with keys that are not text cannot be reported" at the declaration, line 3.
rule { id = "chiffre-cle", title = "Des clés qui ne sont pas du texte", check = function(p)
    return pass("keys", { [true] = 1, [1.5] = 2 })
end }
