-- Trick: error(nil).
-- Expected: error at line 4, its message mentions nil.
rule { id = "erreur-nil", title = "error(nil)", check = function(p)
    error(nil)
end }
