-- Trick: a figure list holding the same 100 000-byte text 10 000 times.
-- Expected: error "the result is larger than the output limit (--max-output)" at line 3.
rule { id = "chiffres", title = "Dix mille copies", check = function(p)
    local big = string.rep("f", 100000)
    local list = {}
    for i = 1, 10000 do list[i] = big end
    return pass("figures", { copies = list })
end }
