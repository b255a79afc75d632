-- Trick: the same two-line unbounded recursion under the default memory limit
-- (64 MiB, manifest option): the stack reaches Lua's 1 000 000 slots, and the error
-- handler then walks ~200 000 frames with lua_getstack (quadratic) and writes one
-- traceback line per frame, in C, where no limit applies.
-- Expected: error "stack overflow" at line 8 within the 10 s bound, with a decision
-- within the output limit.
rule { id = "recursion-profonde", title = "Récursion profonde", check = function(p)
    local function f(n) return f(n + 1) + 1 end
    return pass(tostring(f(1)))
end }
