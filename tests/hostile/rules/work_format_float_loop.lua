-- Trick: the widest legal float format (%99.99f of 1e308, 409 bytes each) forever.
-- Expected: each call is cheap; the time limit stops the loop: error
-- "time limit exceeded (2000 ms)" at line 7.
rule { id = "format-flottant", title = "%99.99f sans fin", check = function(p)
    local n = 0
    while true do
        n = n + #string.format("%99.99f", 1e308)
    end
end }
