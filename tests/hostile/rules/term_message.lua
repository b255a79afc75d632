-- Trick: a message that retitles the window (OSC), clears the screen (CSI), rings the
-- bell and forges a line of the trace with a carriage return.
-- Expected: contained: the rule passes; text outputs show every control as \xNN.
rule { id = "terminal-message", title = "Message", check = function(p)
    return pass("\27]0;pwned\7\27[2J\27[1A\rOK     forged-line")
end }
