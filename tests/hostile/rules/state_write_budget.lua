-- Trick: replace a function of the rule library module (budget.total_expenses) that
-- every call's constructors use.
-- Expected: modules are frozen: error "budget.total_expenses is read-only" at line 7.
rule { id = "ecrire-budget", title = "Remplacer budget.total_expenses", check = function(p)
    local budget = require("budget")
    local zero = function() return 0 end
    budget.total_expenses = zero
    return pass("budget replaced")
end }
