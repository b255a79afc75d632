-- Trick: a float in the figures (an amount that went through floating point).
-- Expected: error "the number 0.5 is not an integer" at the declaration, line 3.
rule { id = "chiffre-flottant", title = "Un chiffre décimal", check = function(p)
    return pass("taux", { taux = 0.5 })
end }
