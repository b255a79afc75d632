-- Trick: infinite tail recursion (no stack growth, so no stack overflow).
-- Expected: error "instruction limit exceeded (20000000 instructions)" at line 4.
rule { id = "recursion-terminale", title = "Récursion terminale", check = function(p)
    local function f(n) return f(n + 1) end
    return pass(tostring(f(1)))
end }
