-- Trick: an __lt metamethod that compares its operands again.
-- Expected: error "C stack overflow" at line 6.
rule { id = "meta-lt", title = "__lt récursif", check = function(p)
    local mt = {}
    mt.__lt = function(a, b)
        return a < b
    end
    return pass(tostring(setmetatable({}, mt) < setmetatable({}, mt)))
end }
