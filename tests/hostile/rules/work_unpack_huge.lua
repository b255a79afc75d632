-- Trick: table.unpack of 2^31 values.
-- Expected: error "table.unpack would take too long" at line 4.
rule { id = "unpack-enorme", title = "table.unpack énorme", check = function(p)
    return pass(tostring(select("#", table.unpack({}, 1, 2 ^ 31))))
end }
