-- Trick: an error raised inside a global function whose name holds controls: the
-- name appears in the traceback ("in ...").
-- Expected: error "boom" at line 5 (the innermost line of the rule file); the traceback
-- is shown escaped.
_ENV["\27]0;tb\7"] = function() error("boom") end
rule { id = "terminal-trace", title = "Trace", check = function(p)
    return _ENV["\27]0;tb\7"]()
end }
