-- Trick: 100 000 max_grantable decision figures.
-- Expected: contained: the key figure is the lowest, 1 cent, by this rule; passes with
-- "100000 figures".
rule { id = "plafonds", title = "Cent mille montants maximaux", check = function(p)
    for i = 1, 100000 do decision_figure("max_grantable", i) end
    return pass("100000 figures")
end }
