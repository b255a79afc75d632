-- Trick: create closures (each with its own upvalue) in a loop.
-- Expected: error "memory limit exceeded (33554432 bytes)" at the declaration, line 3.
rule { id = "fermetures", title = "Des fermetures sans fin", check = function(p)
    local fs = {}
    for i = 1, 1e9 do fs[i] = function() return i end end
end }
