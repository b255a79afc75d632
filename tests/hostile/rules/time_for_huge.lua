-- Trick: a numeric for loop over 2^63 values, doing some work at each step.
-- Expected: error "instruction limit exceeded (20000000 instructions)" at line 5.
rule { id = "for-enorme", title = "for 1, maxinteger", check = function(p)
    local n = 0
    for i = 1, math.maxinteger do n = n + i % 3 end
    return pass(tostring(n))
end }
