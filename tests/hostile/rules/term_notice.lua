-- Trick: colour and bell in a notice.
-- Expected: contained: passes with "ok"; the notice is shown escaped.
rule { id = "terminal-avis", title = "Avis", check = function(p)
    notice("\27[31mred\27[0m\7")
    return pass("ok")
end }
