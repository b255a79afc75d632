-- Trick: error() with a table whose __tostring loops: the engine's error handler calls it.
-- Expected: the limit stays armed in the handler: error "instruction limit exceeded
-- (20000000 instructions)" at line 5.
rule { id = "erreur-tostring", title = "__tostring sans fin", check = function(p)
    error(setmetatable({}, { __tostring = function() while true do end end }))
end }
