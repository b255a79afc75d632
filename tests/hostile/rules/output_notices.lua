-- Trick: the same 100 000-byte text given 10 000 times to notice() (one Lua string,
-- a gigabyte once copied into the decision).
-- Expected: error "the result is larger than the output limit (--max-output)" at the
-- declaration, line 6.
local big = string.rep("n", 100000)
rule { id = "avis", title = "Dix mille avis", check = function(p)
    for i = 1, 10000 do notice(big) end
    return pass("many notices")
end }
