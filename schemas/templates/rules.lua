-- Les règles de l'appel nouvel-appel (seeds/calls/nouvel-appel.yaml), une
-- par condition de la base juridique. Chaque règle cite le passage qu'elle
-- met en œuvre ; sa base juridique est par défaut celle du document d'appel.
-- docs/rules.md décrit chaque fonction de la bibliothèque.

-- « Peuvent candidater les associations »
applicants {
    id = "porteurs-eligibles",
    title = "Les porteurs ont un statut éligible",
    statuses = param "eligible_statuses",
}

-- Les candidatures sont déposées pendant la période de l'appel (opens, closes).
window {
    id = "periode-depot",
    title = "La demande est déposée pendant la période de l'appel",
}

-- « dans la limite de 30 000 euros par projet »
ceiling {
    id = "plafond-aide",
    title = "L'aide demandée ne dépasse pas le plafond",
    financer = "NOUVEAU-FINANCEUR",
    max = param "max_grant",
}

balance {
    id = "equilibre",
    title = "Le plan de financement est équilibré (dépenses = ressources)",
}
