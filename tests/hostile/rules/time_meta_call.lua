-- Trick: a callable table calling itself forever (__call, tail position).
-- Expected: error "instruction limit exceeded (20000000 instructions)" at line 5.
rule { id = "meta-call", title = "__call récursif", check = function(p)
    local t = setmetatable({}, { __call = function(self) return self() end })
    return pass(tostring(t()))
end }
