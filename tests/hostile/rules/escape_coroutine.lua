-- Trick: a coroutine, to yield out of a limit or run code after the rule returns.
-- Expected: coroutine is not opened: error "attempt to index a nil value (global 'coroutine')" at line 4.
rule { id = "evasion-coroutine", title = "Coroutine", check = function(p)
    local co = coroutine.wrap(function() while true do coroutine.yield() end end)
    co()
    return pass("coroutine started")
end }
