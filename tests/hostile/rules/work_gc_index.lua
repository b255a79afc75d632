-- Trick: hide __gc behind the metatable's own __index, so that a plain lookup finds it.
-- Expected: contained: the collector reads __gc raw, the finalizer never runs; passes
-- with "hidden __gc".
rule { id = "gc-cache", title = "__gc derrière __index", check = function(p)
    local hidden = { __gc = function() while true do end end }
    setmetatable({}, setmetatable({}, { __index = hidden }))
    return pass("hidden __gc")
end }
