-- Trick: a loop whose every instruction is slow: comparing two distinct 20 MB texts
-- with the same content (a full memcmp each time; --max-memory=64 in the manifest).
-- The clock is read once every 64 000 instructions, so the time limit
-- (--max-time 2000) fires only after tens of seconds.
-- Expected: error "time limit exceeded (2000 ms)" at line 9, within the 10 s bound.
rule { id = "comparaison-lente", title = "Instructions lentes", check = function(p)
    local a = string.rep("x", 20000000)
    local b = string.rep("x", 20000000)
    while true do local _ = a == b end
end }
