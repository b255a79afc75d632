-- Trick: put the project's read-only view in the figures (its private keys are tables).
-- Expected: error "a table with keys that are not text cannot be reported" at the declaration, line 4.
-- Nothing of the view's internals reaches the decision.
rule { id = "chiffre-vue", title = "La vue du projet", check = function(p)
    return pass("view", { projet = p })
end }
