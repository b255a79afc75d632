-- Trick: stop the collector so that garbage counts against the next rules' memory.
-- Expected: removed: error "attempt to call a nil value (global 'collectgarbage')" at line 4.
rule { id = "evasion-gc", title = "collectgarbage", check = function(p)
    collectgarbage("stop")
    return pass("collector stopped")
end }
