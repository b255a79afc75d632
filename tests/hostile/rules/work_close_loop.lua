-- Trick: a to-be-closed variable whose __close loops forever, run when its block ends.
-- Expected: __close runs under the hook: error "instruction limit exceeded (20000000
-- instructions)" at line 6.
rule { id = "close", title = "__close sans fin", check = function(p)
    do
        local guard <close> = setmetatable({}, { __close = function() while true do end end })
    end
    return pass("closed")
end }
