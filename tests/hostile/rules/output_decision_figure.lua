-- Trick: 10 000 decision figures named and valued with the same 100 000-byte text.
-- Expected: contained: the decision keeps only max_grantable figures; passes with
-- "decision figures", the decision stays small.
rule { id = "chiffres-decision", title = "decision_figure en masse", check = function(p)
    local big = string.rep("d", 100000)
    for i = 1, 10000 do decision_figure(big, big) end
    return pass("decision figures")
end }
