-- Lille Métropole, appel à projets aux territoires et aux communes (ESS),
-- 2012-2013 (seed 004, note on MEL and its towns, annex 1). The basis of
-- every rule defaults to the call document's `basis`; the edition in force
-- (2012 or 2013) gives the eligible period.

-- Annex 1, « Statut juridique »: collectivités territoriales and associations.
applicants {
    id = "beneficiaires-eligibles",
    title = "Les porteurs sont des collectivités territoriales ou des associations",
    statuses = param "eligible_statuses",
}

-- Annex 1, « Volet »: every project falls under volet 1 or volet 2 (the
-- project's themes name it).
local volets = param "volets"
rule {
    id = "volet",
    title = "Le projet relève du volet 1 ou du volet 2 de l'appel",
    check = function(p)
        for _, theme in ipairs(p.themes) do
            for _, v in ipairs(volets) do
                if theme == v then return pass("Le projet relève du " .. v) end
            end
        end
        return fail("Le projet ne relève d'aucun volet de l'appel (thèmes attendus : volet-1, volet-2)")
    end,
}

-- The year the grant is accounted to, from the edition in force.
window {
    id = "periode-edition",
    title = "Le projet se déroule dans l'année de l'édition de l'appel",
    period_start = param "period_start",
    period_end = param "period_end",
}

-- « 110 k€ (enveloppe allouée) »: no grant above the envelope; the envelope
-- is also the maximum grantable amount.
envelope {
    id = "enveloppe",
    title = "Le montant demandé ne dépasse pas l'enveloppe de 110 000 €",
}

-- Associations among the beneficiaries (« Ciné cité social »): a
-- convention above 23 000 €.
convention {
    id = "convention-objectifs",
}

-- Collectivités among the beneficiaries: CGCT art. L1111-10 checked, and
-- not applicable to these operating actions.
self_financing {
    id = "participation-minimale-maitre-ouvrage",
    min = pct(20),
    investment = param "investment",
}

balance {
    id = "equilibre",
    title = "Le plan de financement est équilibré (dépenses = ressources)",
}
