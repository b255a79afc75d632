-- Trick: the C1 control U+009B (CSI for terminals that read C1 controls in UTF-8).
-- Expected: contained: passes; text outputs show it as \xC2\x9B.
rule { id = "terminal-c1", title = "C1", check = function(p)
    return pass("c1 \u{9b}31m red")
end }
