-- Trick: a file-level counter incremented by the check: the second project evaluated
-- would see 2.
-- Expected: contained: every project starts from the declared state; passes with
-- "first evaluation of <project>" for each project, alone or in a row.
local evaluations = 0
rule { id = "compteur", title = "Un compteur de fichier", check = function(p)
    evaluations = evaluations + 1
    if evaluations ~= 1 then return fail("state leaked: " .. evaluations .. " evaluations") end
    return pass("first evaluation of " .. p.id)
end }
