-- Trick: a __concat metamethod that concatenates its operands again.
-- Expected: error "C stack overflow" at line 6.
rule { id = "meta-concat", title = "__concat récursif", check = function(p)
    local mt = {}
    mt.__concat = function(a, b)
        return a .. b
    end
    return pass(setmetatable({}, mt) .. "x")
end }
