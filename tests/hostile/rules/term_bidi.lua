-- Trick: a bidirectional override (U+202E) that reverses how the rest of the line is
-- displayed ("Trojan source"); documents refuse it, rule texts could carry it.
-- Expected: passes; text outputs do not print U+202E raw.
rule { id = "terminal-bidi", title = "Bidi", check = function(p)
    return pass("montant \u{202e}00,000 1 : refusé")
end }
