-- Trick: lower the project's equipment amount for the rules after this one.
-- Expected: views are read-only: error "expenses[0] is read-only (assignment to expenses[0].amount)" at line 4.
rule { id = "ecrire-projet", title = "Modifier le projet", check = function(p)
    p.expenses[1].amount = 0
    return pass("project changed")
end }
