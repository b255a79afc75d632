-- Trick: a CSI in a figure's key and an OSC 8 hyperlink in its value.
-- Expected: contained: passes with "ok"; figure keys and values are shown escaped.
rule { id = "terminal-chiffre", title = "Chiffre", check = function(p)
    return pass("ok", { ["\27[2Jkey\7"] = 1, v = "\27]8;;http://evil.example\27\\link\27]8;;\27\\" })
end }
