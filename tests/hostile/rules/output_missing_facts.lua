-- Trick: read 100 000 distinct absent fields of the project: each is a recorded missing fact.
-- Expected: error "the result is larger than the output limit (--max-output)" at line 3.
rule { id = "faits", title = "Cent mille faits manquants", check = function(p)
    for i = 1, 100000 do local _ = p["absent" .. i] end
    return pass("facts")
end }
