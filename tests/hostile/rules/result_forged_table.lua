-- Trick: a hand-made table that looks like a result.
-- Expected: not a result: error "rule \"faux\" returned table" at the declaration, line 3.
rule { id = "faux", title = "Un faux résultat", check = function(p)
    return { status = "pass", message = "forged", figures = {} }
end }
