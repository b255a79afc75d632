-- Trick: a __len metamethod that takes its own length.
-- Expected: error "C stack overflow" at line 6.
rule { id = "meta-len", title = "__len récursif", check = function(p)
    local mt = {}
    mt.__len = function(a)
        return #a
    end
    return pass(tostring(#setmetatable({}, mt)))
end }
