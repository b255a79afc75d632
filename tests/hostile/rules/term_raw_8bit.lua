-- Trick: a raw 0x9B byte (CSI for 8-bit terminals), invalid UTF-8.
-- Expected: contained: the message is replaced by "(text that is not valid UTF-8)";
-- nothing raw reaches a terminal.
rule { id = "terminal-8bits", title = "Octet 0x9B", check = function(p)
    return pass("byte \155 alone")
end }
