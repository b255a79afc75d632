-- Trick: table.sort (not charged) of twenty 1 MB texts with a common prefix, in a loop:
-- each sort is milliseconds of memcmp in C for three instructions, and the clock is
-- read every 64 000 instructions (about 30 s before the time limit fires).
-- Expected: stopped within the 10 s bound: error "time limit exceeded (2000 ms)" or
-- "would take too long" at line 9.
rule { id = "tri-textes", title = "Trier de longs textes", check = function(p)
    local t = {}
    for i = 1, 20 do t[i] = string.rep("x", 1000000) .. i end
    while true do table.sort(t) end
end }
