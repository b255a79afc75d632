-- Trick: a figure table with 100 000 keys.
-- Expected: error "the result is larger than the output limit (--max-output)" at line 3.
rule { id = "cles", title = "Cent mille clés", check = function(p)
    local f = {}
    for i = 1, 100000 do f["k" .. i] = i end
    return pass("keys", f)
end }
