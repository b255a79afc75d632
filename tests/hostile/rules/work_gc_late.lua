-- Trick: add __gc to the metatable after setmetatable (the check looks at the
-- metatable only when it is set).
-- Expected: contained: Lua only marks an object for finalization when its metatable
-- has __gc at setmetatable time, so the looping finalizer never runs (nor when the
-- engine closes the state); passes with "late __gc".
rule { id = "gc-tardif", title = "__gc ajouté après coup", check = function(p)
    local mt = {}
    local t = setmetatable({}, mt)
    mt.__gc = function() while true do end end
    t = nil
    return pass("late __gc")
end }
