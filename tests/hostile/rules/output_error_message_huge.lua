-- Trick: error() with a 10 MB message: error messages bypass the output limit.
-- Expected: error at line 5 (message "xxx..."), and the decision stays within the
-- output limit (16 x --max-output).
rule { id = "erreur-longue", title = "Une erreur de 10 Mo", check = function(p)
    error(string.rep("x", 10000000))
end }
