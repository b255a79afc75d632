-- FEDER 2014-2020, axe 2 « inclusion numérique », ITI de la MEL: the FEDER
-- part of the « Centres sociaux connectés » phase 2 plan (seed 001).
-- The basis of every rule defaults to the call document's `basis`.

-- « une aide ... de 1,3 M€ du FEDER au titre de l'ITI » on « un budget global
-- de 2 M€ »: the FEDER at most 65 % of the eligible cost, which is also the
-- maximum grantable amount.
rate_ceiling {
    id = "taux-feder",
    title = "Le FEDER ne dépasse pas 65 % du coût éligible",
    financer = "FEDER",
    max = param "max_rate_feder",
}

-- « dans une limite de 80 820 Euros l'achat de matériel informatique »
ceiling {
    id = "plafond-materiel",
    title = "Achat de matériel informatique dans la limite de 80 820 €",
    category = "equipment",
    max = param "max_equipment",
}

balance {
    id = "equilibre",
    title = "Le plan de financement est équilibré (dépenses = ressources)",
}
