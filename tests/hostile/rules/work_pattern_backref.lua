-- Trick: back-references (%1) after a greedy capture.
-- Expected: error "string.match with pattern \"(a*)%1%1b\" on a text of 3000 bytes would take too long" at line 4.
rule { id = "motif-reference", title = "Motif (a*)%1%1b", check = function(p)
    return pass(tostring(string.match(string.rep("a", 3000), "(a*)%1%1b")))
end }
