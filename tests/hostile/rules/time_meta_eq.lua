-- Trick: an __eq metamethod that compares its operands again.
-- Expected: error "C stack overflow" at line 6.
rule { id = "meta-eq", title = "__eq récursif", check = function(p)
    local mt = {}
    mt.__eq = function(a, b)
        return a == b
    end
    return pass(tostring(setmetatable({}, mt) == setmetatable({}, mt)))
end }
