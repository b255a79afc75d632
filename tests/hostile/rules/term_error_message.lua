-- Trick: an error message that clears the screen and rings the bell.
-- Expected: error at line 4; the message is kept in JSON and shown escaped in text.
rule { id = "terminal-erreur", title = "Erreur", check = function(p)
    error("\27[2J\27[H\7error")
end }
