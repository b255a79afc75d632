-- Trick: catch the instruction-limit error with pcall and keep looping.
-- Expected: pcall is removed: error "attempt to call a nil value (global 'pcall')" at line 5.
rule { id = "evasion-pcall", title = "pcall", check = function(p)
    while true do
        pcall(function() while true do end end)
    end
end }
