-- Trick: give the math library a metatable that answers 0 for everything.
-- Expected: error "rules/calls/hostile.lua:5: cannot change a protected metatable" at
-- line 5 (the message at the rule's line, not inside the engine).
rule { id = "meta-math", title = "setmetatable(math)", check = function(p)
    setmetatable(math, { __index = function() return 0 end })
    return pass("math changed")
end }
