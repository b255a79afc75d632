-- Trick: replace the figures of a result with a text.
-- Expected: error "the result's figures are a string, not a table" at the declaration, line 3.
rule { id = "chiffre-texte", title = "Des chiffres en texte", check = function(p)
    local r = pass("oui")
    r.figures = "12 €"
    return r
end }
