-- Trick: unbounded (non-tail) recursion under the test's 32 MiB.
-- Expected: the Lua stack outgrows the memory limit first: error "memory limit exceeded
-- (33554432 bytes)", located at the rule's declaration, line 4.
rule { id = "recursion", title = "Récursion sans fin", check = function(p)
    local function f(n) return f(n + 1) + 1 end
    return pass(tostring(f(1)))
end }
