-- Trick: a __gc finalizer, which would run when the collector decides, outside any limit.
-- Expected: refused: error "__gc metamethods are not allowed in rules" at line 4.
rule { id = "gc", title = "Finaliseur", check = function(p)
    setmetatable({}, { __gc = function() while true do end end })
    return pass("finalizer set")
end }
