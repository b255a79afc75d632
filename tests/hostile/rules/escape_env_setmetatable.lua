-- Trick: drop the metatable of the rule file's environment to reach the globals table.
-- Expected: protected: error "rules/calls/hostile.lua:5: cannot change a protected
-- metatable" at line 5 (the message at the rule's line, not inside the engine).
rule { id = "evasion-env", title = "setmetatable(_ENV)", check = function(p)
    setmetatable(_ENV, nil)
    return pass("environment unlocked")
end }
