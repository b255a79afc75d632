-- Trick: nested lazy repetitions that backtrack for hours on 5 000 bytes.
-- Expected: refused before it runs: error "string.find with pattern \".-.-.-.-b\" on a
-- text of 5000 bytes would take too long" at line 5.
rule { id = "motif-imbrique", title = "Motif .-.-.-.-b", check = function(p)
    return pass(tostring(string.find(string.rep("a", 5000), ".-.-.-.-b")))
end }
