-- Trick: the check replaces a file-level local function: the next project would get
-- the replacement.
-- Expected: contained: upvalues get their declared value back before each project;
-- passes with "clean" for each project.
local function verdict(p) return pass("clean") end
rule { id = "upvalue", title = "Remplacer une fonction de fichier", check = function(p)
    local r = verdict(p)
    verdict = function() return fail("replaced by the previous project") end
    return r
end }
