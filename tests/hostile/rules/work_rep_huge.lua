-- Trick: string.rep of 2^40 copies (a terabyte, built in C where the hook never fires).
-- Expected: refused before it runs: error "string.rep of 1099511627776 copies would take too long" at line 4.
rule { id = "rep-enorme", title = "string.rep énorme", check = function(p)
    return pass(tostring(#string.rep("x", 2 ^ 40)))
end }
