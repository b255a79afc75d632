-- Trick: 20 rules each under the per-rule limit (60 000-byte messages, --max-output 64
-- KiB), together over the decision's (16 x 64 KiB).
-- Expected: the first 17 pass; the 18th crosses the decision's limit and errs with
-- "the result is larger than the output limit (--max-output)" (declared at line 8),
-- and so do the two after it.
local big = string.rep("m", 60000)
for i = 1, 20 do
    rule { id = "r" .. i, title = "Message " .. i, check = function(p) return pass(big) end }
end
