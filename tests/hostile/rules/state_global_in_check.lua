-- Trick: a global counter set by the check (globals outlive a rule).
-- Expected: contained: each evaluation has its own environment; passes with "total 1".
rule { id = "global", title = "Un compteur global", check = function(p)
    total = (total or 0) + 1
    return pass("total " .. total)
end }
