-- Trick: a looping __close that runs while the error of the instruction limit unwinds
-- the stack (after the hook has fired once).
-- Expected: the limit stays tripped in __close: error "instruction limit exceeded
-- (20000000 instructions)" at line 6, the __close line, well within the bound.
rule { id = "close-erreur", title = "__close pendant une erreur", check = function(p)
    local guard <close> = setmetatable({}, { __close = function() while true do end end })
    while true do end
end }
