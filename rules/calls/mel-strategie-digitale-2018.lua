-- MEL, stratégie digitale — inclusion numérique: « Centres sociaux
-- connectés », phase 2 (délibération exécutoire au 01/03/2018, seed 001).
-- The basis of every rule defaults to the call document's `basis`.

-- « dans une limite de 80 820 Euros l'achat de matériel informatique »
ceiling {
    id = "plafond-materiel",
    title = "Achat de matériel informatique dans la limite de 80 820 €",
    category = "equipment",
    max = param "max_equipment",
}

-- « Le soutien de la MEL à hauteur de 60 000 Euros est fléché spécifiquement
-- sur les dépenses de personnels »
earmark {
    id = "flechage-personnel-mel",
    title = "Le soutien de la MEL est fléché sur les dépenses de personnel",
    financer = "MEL",
    category = "staff",
}

-- « une subvention de 30 000 Euros » à chacune des deux associations
ceiling {
    id = "montant-mel",
    title = "Le soutien demandé à la MEL ne dépasse pas 60 000 €",
    financer = "MEL",
    max = param "mel_grant",
}

balance {
    id = "equilibre",
    title = "Le plan de financement est équilibré (dépenses = ressources)",
}

-- « une aide répartie à parité pour les deux » ; « une subvention de 30 000
-- Euros » à chacune des deux associations: the grant split at parity.
split_grant {
    id = "repartition-parite",
    title = "La subvention de la MEL est répartie à parité entre les deux associations",
    by = "parity",
}

-- « d'autoriser Monsieur le Président à signer des conventions »: 30 000 €
-- per association is above the 23 000 € of the décret 2001-495.
convention {
    id = "convention-objectifs",
}

applicants {
    id = "beneficiaires-associations",
    title = "Les porteurs sont des associations",
    statuses = param "eligible_statuses",
}
