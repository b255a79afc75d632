-- Trick: change the call's financer, which library constructors read.
-- Expected: error "call is read-only (assignment to call.financer)" at line 4.
rule { id = "ecrire-appel", title = "Modifier l'appel", check = function(p, call)
    call.financer = "FEDER"
    return pass("call changed")
end }
