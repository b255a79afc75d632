-- Trick: controls in the rule's id and title (shown on every line of the trace).
-- Expected: contained: passes with "ok"; the id is shown escaped.
rule { id = "\27[2Jid\7", title = "\27]0;title\7", check = function(p)
    return pass("ok")
end }
