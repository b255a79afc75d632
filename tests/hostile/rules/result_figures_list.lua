-- Trick: figures as a list instead of named figures.
-- Expected: error "the result's figures are a list: name each figure" at the declaration, line 3.
rule { id = "chiffre-liste", title = "Une liste", check = function(p)
    return pass("list", { 1, 2, 3 })
end }
