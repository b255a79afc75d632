-- Trick: table.move over 2^40 indices.
-- Expected: error "table.move would take too long" at line 4.
rule { id = "move-enorme", title = "table.move énorme", check = function(p)
    return pass(tostring(#table.move({}, 1, 2 ^ 40, 1, {})))
end }
