-- Trick: a function in the figures.
-- Expected: error "a function cannot be reported in a trace" at the declaration, line 3.
rule { id = "chiffre-fonction", title = "Une fonction", check = function(p)
    return pass("f", { f = tostring })
end }
