-- Trick: a 10 MB message.
-- Expected: error "the result is larger than the output limit (--max-output)" at line 3.
rule { id = "message-long", title = "Un message de 10 Mo", check = function(p)
    return pass(string.rep("m", 10000000))
end }
