-- Trick: the method form (""):rep(n, "") goes through the string metatable, not the
-- frozen string table rules see.
-- Expected: guarded too: error "string.rep of 1000000000000 copies would take too long" at line 5.
rule { id = "rep-methode", title = "(\"\"):rep", check = function(p)
    return pass(tostring(#(""):rep(1e12, "")))
end }
