-- Declarative rule constructors, all built on the `rule` primitive.
--
-- Each takes a table: `id`, `title` (French, shown to applicants) and
-- `basis` (the legal basis; defaults to the call's) are common to all; the
-- rest is specific. The rule's source line in traces is the line of the
-- constructor call in the call's rule file.
local budget = require("budget")
local plan = require("plan")
local money = require("money")
local K = {}

local function need(spec, key, kind, ctor)
    local v = spec[key]
    local ok
    if kind == "cents" then
        ok = math.type(v) == "integer"
    elseif kind == "rate" then
        ok = type(v) == "table" and math.type(v.num) == "integer" and math.type(v.den) == "integer"
    else
        ok = type(v) == kind
    end
    if not ok then
        local what = kind == "cents" and tr("an amount in cents (eur(80820) or param \"...\")")
            or kind == "rate" and tr("a rate (pct(65), bp(6500), frac(1, 3) or param \"...\")")
            or string.format(tr("a %s"), kind)
        error(string.format(tr("%s: `%s` must be %s"), ctor, key, what), 3)
    end
    -- A plain copy of a rate, so that it can be reported in figures (a
    -- parameter comes as a read-only view).
    if kind == "rate" then return { num = v.num, den = v.den } end
    return v
end

-- A financer's share as share checks count it (budget.counted_resources_of):
-- what a granted line's financer published for it (eligo import scdl)
-- counts when it is more than the line. The part published beyond the plan
-- is a figure (published_beyond) and is said after the amount.
local function beyond_text(beyond)
    if beyond == 0 then return "" end
    return " (dont " .. fmt(beyond) .. " de subventions publiées (SCDL) au-delà du plan)"
end

-- ceiling { category = "equipment", max = param "max_equipment" }
-- ceiling { financer = "MEL", max = eur(60000) }
-- An absolute cap on an expense category or on what a financer gives.
-- Exactly at the cap passes; one cent over fails. A cap on the call's own
-- financer is reported as a maximum grantable amount.
function K.ceiling(spec)
    local max = need(spec, "max", "cents", "ceiling")
    local category, financer = spec.category, spec.financer
    if (category == nil) == (financer == nil) then
        error(tr("ceiling: give either `category` or `financer`"), 2)
    end
    local label = category and budget.category_label(category) or financer
    rule {
        id = spec.id or ("plafond-" .. (category or financer)),
        title = spec.title or (label .. " dans la limite de " .. fmt(max)),
        basis = spec.basis, kind = "ceiling",
        native = { op = "ceiling", category = category, financer = financer, max = max, label = label },
        check = function(p, c)
            local amount, beyond = 0, 0
            if category then
                amount = budget.expenses_of(p, category)
            else
                amount, beyond = budget.counted_resources_of(p, financer)
            end
            local figures = { amount = amount, max = max }
            if beyond > 0 then figures.published_beyond = beyond end
            if financer and financer == c.financer then decision_figure("max_grantable", max) end
            local said = label .. " : " .. fmt(amount) .. beyond_text(beyond)
            if amount <= max then
                return pass(string.format("%s ≤ plafond %s", said, fmt(max)), figures)
            end
            return fail(string.format("%s > plafond %s (dépassement %s)", said, fmt(max),
                fmt(sub(amount, max))), figures)
        end,
    }
end

-- earmark { financer = "MEL", category = "staff" }
-- Resources earmarked ("fléchées") to an expense category, from one financer
-- (or a list) or from all, are at most that category's expenses. With a
-- financer, every line of that financer must carry the earmark (unless
-- exclusive = false). When the financer is the call's, the category's
-- expenses are reported as a maximum grantable amount.
function K.earmark(spec)
    local category = need(spec, "category", "string", "earmark")
    local financer = spec.financer
    local label = budget.category_label(category)
    local who = type(financer) == "table" and table.concat(financer, ", ") or financer
    rule {
        id = spec.id or ("flechage-" .. (who or "ressources") .. "-" .. category),
        title = spec.title or ((who and ("Soutien " .. who) or "Ressources") ..
            " fléché sur : " .. string.lower(label)),
        basis = spec.basis, kind = "earmark",
        native = { op = "earmark", category = category, financer = financer,
            exclusive = spec.exclusive ~= false, label = label },
        check = function(p, c)
            if financer and spec.exclusive ~= false then
                local set = type(financer) == "string" and { [financer] = true } or {}
                if type(financer) == "table" then for _, f in ipairs(financer) do set[f] = true end end
                for i, r in ipairs(p.resources) do
                    if set[r.financer] and r.earmark ~= category then
                        return fail(string.format(
                            "ressource %d (%s, %s) non fléchée sur : %s", i, r.financer,
                            fmt(r.amount), string.lower(label)))
                    end
                end
            end
            local earmarked = budget.earmarked(p, category, financer)
            local cost = budget.expenses_of(p, category)
            local figures = { earmarked = earmarked, expenses = cost }
            if financer == c.financer then decision_figure("max_grantable", cost) end
            if earmarked <= cost then
                return pass(string.format("Fléché sur %s : %s ≤ dépenses %s",
                    string.lower(label), fmt(earmarked), fmt(cost)), figures)
            end
            return fail(string.format("Fléché sur %s : %s > dépenses %s (excédent %s)",
                string.lower(label), fmt(earmarked), fmt(cost), fmt(sub(earmarked, cost))),
                figures)
        end,
    }
end

-- share { financer = "MEL", min = pct(1), max = pct(5) }   (min and max optional)
-- A financer's share of the total of resources (the plan), compared exactly.
function K.share(spec)
    local financer = spec.financer
    if type(financer) ~= "string" and type(financer) ~= "table" then
        error(tr("share: `financer` must be a financer id or a list of ids"), 2)
    end
    local min = spec.min ~= nil and need(spec, "min", "rate", "share") or nil
    local max = spec.max ~= nil and need(spec, "max", "rate", "share") or nil
    if not min and not max then error(tr("share: give `min`, `max` or both"), 2) end
    local who = type(financer) == "table" and table.concat(financer, " + ") or financer
    local bounds = (min and ("au moins " .. fmt_rate(min)) or "") ..
        ((min and max) and " et " or "") .. (max and ("au plus " .. fmt_rate(max)) or "")
    rule {
        id = spec.id or ("part-" .. who),
        title = spec.title or ("Part " .. who .. " du plan de financement : " .. bounds),
        basis = spec.basis, kind = "share",
        check = function(p)
            local amount = budget.resources_of(p, financer)
            local total = budget.total_resources(p)
            local figures = { amount = amount, total = total, min = min, max = max }
            if total <= 0 then
                return fail("Plan de financement sans ressources", figures)
            end
            local text = string.format("%s : %s sur %s, soit %s", who, fmt(amount), fmt(total),
                money.fmt_share(amount, total))
            if min and ratio_cmp(amount, total, min) < 0 then
                return fail(text .. " < minimum " .. fmt_rate(min), figures)
            end
            if max and ratio_cmp(amount, total, max) > 0 then
                return fail(text .. " > maximum " .. fmt_rate(max), figures)
            end
            return pass(text .. " (" .. bounds .. ")", figures)
        end,
    }
end

-- balance { }
-- Expenses equal resources to the cent.
function K.balance(spec)
    spec = spec or {}
    rule {
        id = spec.id or "equilibre",
        title = spec.title or "Le plan de financement est équilibré",
        basis = spec.basis, kind = "balance",
        native = { op = "balance" },
        check = function(p)
            local e, r = budget.total_expenses(p), budget.total_resources(p)
            local figures = { expenses = e, resources = r, gap = sub(e, r) }
            if e == r then
                return pass(string.format("Dépenses %s = ressources %s", fmt(e), fmt(r)), figures)
            end
            return fail(string.format("Dépenses %s ≠ ressources %s (écart %s)", fmt(e), fmt(r),
                fmt(sub(e, r))), figures)
        end,
    }
end


-- The call's financer money is public (its lines are flagged public).
local function call_money_is_public(p, c)
    return c.financer ~= nil and plan.is_public(p, c.financer)
end

-- rate_ceiling { financer = "FEDER", max = param "max_rate_feder" }
-- rate_ceiling { public = true, max = pct(80) }
-- A financer's resources (or a list's), or all public aid together, at most
-- `max` times the eligible cost (the total of expenses). Compared exactly:
-- an amount passes when amount <= cost x rate, which for cents is the same as
-- amount <= apply_rate_floor(cost, rate), the cap shown (rounded down, so the
-- cap never exceeds the rate). Zero cost: only a zero amount passes.
-- Example: 1 300 000 € of FEDER on 2 000 000 € at 65 % passes exactly at
-- the cap; 1 300 000,01 € fails. Reports the cap as the maximum grantable
-- when the financer is the call's; with public = true, the cap less the
-- other public aid when the call's money is public. A granted line tied to
-- what its financer published (grant_reference, eligo import scdl) counts
-- the published amount when it is more (budget.counted_resources_of).
function K.rate_ceiling(spec)
    local max = need(spec, "max", "rate", "rate_ceiling")
    local financer, public = spec.financer, spec.public == true
    if (financer == nil) == (not public) then
        error(tr("rate_ceiling: give either `financer` or `public = true`"), 2)
    end
    local who = financer and (type(financer) == "table" and table.concat(financer, " + ") or financer)
    local label = who or "Aides publiques"
    rule {
        id = spec.id or ("taux-" .. (who or "aides-publiques")),
        title = spec.title or (label .. " : au plus " .. fmt_rate(max) .. " du coût éligible"),
        basis = spec.basis, kind = "rate-ceiling",
        native = { op = "rate_ceiling", financer = financer, public = public, max = max, label = label },
        check = function(p, c)
            local cost = budget.total_expenses(p)
            local amount, beyond
            if financer then
                amount, beyond = budget.counted_resources_of(p, financer)
            else
                amount, beyond = budget.counted_public_resources(p)
            end
            local cap = apply_rate_floor(cost, max)
            local figures = { amount = amount, eligible_cost = cost, rate = max, cap = cap }
            if beyond > 0 then figures.published_beyond = beyond end
            if financer and financer == c.financer then
                decision_figure("max_grantable", cap)
            elseif public and call_money_is_public(p, c) then
                local others = sub(amount, (budget.counted_resources_of(p, c.financer)))
                decision_figure("max_grantable", cap > others and sub(cap, others) or 0)
            end
            local text = string.format("%s : %s%s pour un coût éligible de %s, soit %s (plafond %s : %s)",
                label, fmt(amount), beyond_text(beyond), fmt(cost), money.fmt_share(amount, cost),
                fmt_rate(max), fmt(cap))
            if amount <= cap then return pass(text, figures) end
            return fail(text .. ", dépassement " .. fmt(sub(amount, cap)), figures)
        end,
    }
end

-- Legal statuses of public project owners (collectivités territoriales and
-- their groupings) for self_financing; a call may give its own list.
local PUBLIC_OWNERS = { "commune", "epci", "departement", "region", "collectivite-territoriale",
    "syndicat-mixte", "metropole" }

local in_list = plan.in_list

-- self_financing { min = pct(20), investment = param "investment",
--                  exception = param_or("l1111_10_exception", "") }
-- Code général des collectivités territoriales, art. L1111-10 III: a local
-- authority or grouping that owns an investment operation finances at least
-- 20 % of the total of the financing provided by public persons to the
-- project -- not 20 % of the cost. The base is the public resources plus
-- the owner's own contribution (resource lines of nature `self`): the owner
-- is itself a public person; private financing (patronage...) does not
-- count. min is a parameter so that a call can apply 30 % (art. L1111-9,
-- operations under a "chef de file" competence) or a CTEC adjustment.
-- Not applicable: the owner's status (project.owner_status, else the first
-- applicant's) is not a public owner (`owner_statuses`, default
-- PUBLIC_OWNERS); the operation is not an investment (investment = false:
-- operating grants are outside L1111-10); the call names an exception
-- (non-empty `exception` text: art. 9 of loi 2003-710 urban renewal,
-- protected monuments or public calamities with the prefect's derogation).
-- Compared exactly; the minimum shown is apply_rate_ceil(base, min), rounded
-- up so it is never under the rate. Example: public aid 80 000 € + own
-- 20 000 € passes exactly (20 000 / 100 000 = 20 %); own 19 999,99 € fails.
function K.self_financing(spec)
    local min = need(spec, "min", "rate", "self_financing")
    local owners = spec.owner_statuses or PUBLIC_OWNERS
    local investment, exception = spec.investment, spec.exception
    if type(investment) ~= "boolean" then
        error(tr("self_financing: `investment` must be true or false (param \"...\" of type bool)"), 2)
    end
    rule {
        id = spec.id or "participation-minimale-maitre-ouvrage",
        title = spec.title or ("Participation minimale du maître d'ouvrage public : " ..
            fmt_rate(min) .. " des financements publics"),
        basis = spec.basis or "Code général des collectivités territoriales, art. L1111-10 III",
        kind = "self-financing", requires = { "owner_status" },
        check = function(p)
            local status = p.owner_status
            if not in_list(owners, status) then
                return na(string.format("Maître d'ouvrage « %s » : pas une collectivité territoriale ni un groupement",
                    tostring(status)))
            end
            if not investment then
                return na("Opération de fonctionnement : l'art. L1111-10 vise les opérations d'investissement")
            end
            if exception ~= nil and exception ~= "" then
                return na("Exception prévue par l'appel : " .. exception)
            end
            local own = plan.own_funds(p)
            local public = budget.public_resources(p)
            local base = add(public, own)
            if base == 0 then return na("Aucun financement public") end
            local minimum = apply_rate_ceil(base, min)
            local figures = { own = own, public_others = public, base = base, min = min, minimum = minimum }
            local text = string.format(
                "Participation du maître d'ouvrage %s sur %s de financements publics (dont la sienne), soit %s",
                fmt(own), fmt(base), money.fmt_share(own, base))
            if ratio_cmp(own, base, min) >= 0 then
                return pass(text .. string.format(" ≥ %s (minimum %s)", fmt_rate(min), fmt(minimum)), figures)
            end
            return fail(text .. string.format(" < %s (minimum %s, manque %s)", fmt_rate(min), fmt(minimum),
                fmt(sub(minimum, own))), figures)
        end,
    }
end

-- envelope { committed = param_or("envelope_committed", 0) }
-- The grant requested from the call at most what remains of the call's
-- envelope (call document `envelope` minus the amount already committed,
-- 0 when unknown). The remainder is reported as a maximum grantable amount.
-- Not applicable when the call has no envelope. Example: envelope
-- 110 000 €, nothing committed: 110 000 € passes, 110 000,01 € fails.
function K.envelope(spec)
    spec = spec or {}
    local committed = spec.committed or 0
    if math.type(committed) ~= "integer" then
        error(tr("envelope: `committed` must be an amount in cents"), 2)
    end
    rule {
        id = spec.id or "enveloppe",
        title = spec.title or "Le montant demandé tient dans l'enveloppe de l'appel",
        basis = spec.basis, kind = "envelope",
        check = function(p, c)
            local envelope = c.envelope
            if envelope == nil then return na("L'appel n'a pas d'enveloppe connue") end
            local remaining = sub(envelope, committed)
            if remaining < 0 then remaining = 0 end
            decision_figure("max_grantable", remaining)
            local grant = plan.grant_of(p, c)
            local figures = { requested = grant, envelope = envelope, committed = committed,
                remaining = remaining }
            local text = string.format("Demandé %s ; enveloppe %s, engagé %s, reste %s", fmt(grant),
                fmt(envelope), fmt(committed), fmt(remaining))
            if grant <= remaining then return pass(text, figures) end
            return fail(text .. ", dépassement " .. fmt(sub(grant, remaining)), figures)
        end,
    }
end

local function parts_text(parts)
    local t = {}
    for i, part in ipairs(parts) do t[i] = fmt(part.amount) .. " à " .. part.name end
    return table.concat(t, " ; ")
end

-- split_grant { by = "parity" }
-- split_grant { by = "shares", amount = param "grant" }
-- The grant (amount, default the amount requested from the call) shared
-- between the co-applicants in document order, at parity or by their
-- declared shares (applicants[].share), the parts summing exactly to the
-- grant. The leftover-cent rule: each part is the floor of its exact share
-- and the leftover cents (fewer than the number of applicants) go one each
-- to the parts with the largest remainders, ties to the earliest applicant
-- (the C primitive split(), largest remainder method). Example: 60 000 € at
-- parity between two associations: 30 000 € each; 100,01 € at parity:
-- 50,01 € to the first, 50,00 € to the second.
-- Fails: by = "shares" with a share missing or zero; either way, when the
-- applicants declare shares, unless every one does and they sum to exactly
-- 100 % (50 % + 49,99 % is never split at parity as if nothing had been
-- said), with the figures declared_total and missing (or excess) as exact
-- rates: "les parts déclarées totalisent 99,99 % et non 100 % (manque
-- 0,01 %)"; by = "parity" while the applicants declare unequal shares. The
-- parts are the rule's figures.
function K.split_grant(spec)
    spec = spec or {}
    local by = spec.by or "parity"
    if by ~= "parity" and by ~= "shares" then error(tr("split_grant: `by` must be \"parity\" or \"shares\""), 2) end
    if spec.amount ~= nil then need(spec, "amount", "cents", "split_grant") end
    rule {
        id = spec.id or "repartition",
        title = spec.title or (by == "parity" and "Subvention répartie à parité entre les porteurs"
            or "Subvention répartie selon les parts déclarées des porteurs"),
        basis = spec.basis, kind = "split",
        check = function(p, c)
            local amount = spec.amount or plan.grant_of(p, c)
            local declared, too_large = plan.declared_shares(p)
            if too_large then return fail("Répartition impossible : " .. too_large, { amount = amount }) end
            local problem = declared and plan.shares_problem(declared)
            if problem then
                local figures = { amount = amount, declared_total = declared.total }
                if declared.missing.num >= 0 then
                    figures.missing = declared.missing
                else
                    figures.excess = { num = -declared.missing.num, den = declared.missing.den }
                end
                return fail("Répartition impossible : " .. problem, figures)
            end
            local parts, err = plan.grant_parts(p, amount, by)
            if not parts then return fail("Répartition impossible : " .. err, { amount = amount }) end
            if by == "parity" then
                local declared = plan.grant_parts(p, amount, "shares")
                if declared then
                    for i, part in ipairs(declared) do
                        if part.amount ~= parts[i].amount then
                            return fail(string.format(
                                "Répartition à parité prévue, mais parts déclarées inégales : %s",
                                parts_text(declared)), { amount = amount, parts = declared })
                        end
                    end
                end
            end
            return pass(string.format("%s répartis : %s", fmt(amount), parts_text(parts)),
                { amount = amount, parts = parts })
        end,
    }
end

-- The threshold of décret 2001-495 art. 1 for loi 2000-321 art. 10.
local CONVENTION_THRESHOLD = 2300000

-- convention { }            -- 23 000 €, associations, parts at parity or by shares
-- convention { threshold = eur(23000), statuses = { "association" }, by = "parity" }
-- Loi 2000-321 art. 10 and décret 2001-495 art. 1: a public authority that
-- grants an association more than 23 000 € (strictly above) signs a
-- convention setting its purpose, amount and conditions of use. The rule
-- never fails: it adds a notice for each applicant of the listed statuses
-- whose part of the grant (see split_grant; by default by declared shares when
-- every applicant declares one, else at parity) is above the threshold.
-- Exactly 23 000 € needs no convention; 23 000,01 € does. Not applicable
-- when no applicant has one of the statuses.
function K.convention(spec)
    spec = spec or {}
    local threshold = spec.threshold or CONVENTION_THRESHOLD
    if math.type(threshold) ~= "integer" then error(tr("convention: `threshold` must be an amount in cents"), 2) end
    local statuses = spec.statuses or { "association" }
    rule {
        id = spec.id or "convention-objectifs",
        title = spec.title or ("Convention obligatoire au-delà de " .. fmt(threshold) .. " par association"),
        basis = spec.basis or "Loi n° 2000-321 du 12 avril 2000, art. 10 ; décret n° 2001-495 du 6 juin 2001, art. 1er",
        kind = "notice", requires = { "applicants[].status" },
        check = function(p, c)
            local amount = plan.grant_of(p, c)
            local by = spec.by
            if by == nil then
                by = "shares"
                for _, a in ipairs(p.applicants) do
                    if a.share == nil then by = "parity" end
                end
            end
            local parts = plan.grant_parts(p, amount, by) or plan.grant_parts(p, amount, "parity")
            local concerned, above = 0, {}
            for i, a in ipairs(p.applicants) do
                if in_list(statuses, a.status) then
                    concerned = concerned + 1
                    if parts[i].amount > threshold then
                        above[#above + 1] = parts[i]
                        notice(string.format(
                            "Convention obligatoire avec %s : subvention de %s > %s (loi 2000-321, art. 10)",
                            a.name, fmt(parts[i].amount), fmt(threshold)))
                    end
                end
            end
            if concerned == 0 then return na("Aucun porteur de statut " .. table.concat(statuses, ", ")) end
            local figures = { threshold = threshold, parts = parts }
            if #above == 0 then
                return pass(string.format("Aucune subvention au-delà de %s : convention facultative (%s)",
                    fmt(threshold), parts_text(parts)), figures)
            end
            return pass(string.format("%d convention(s) obligatoire(s) : %s", #above, parts_text(above)), figures)
        end,
    }
end

-- action_balance { }
-- A budget detailed by action (expenses[].action, resources[].action):
-- each action balances both ways -- its resources (who finances it) equal
-- its expenses (who carries it out) to the cent. Fails listing every action
-- that does not balance with its exact amounts; not applicable when no line
-- names an action. Example: action 1 financed 10 000 € (MEL) + 5 000 €
-- (Ville), carried out 10 800 € (Ville) + 4 200 € (opérateur): balanced.
function K.action_balance(spec)
    spec = spec or {}
    rule {
        id = spec.id or "equilibre-par-action",
        title = spec.title or "Chaque action est équilibrée (financements = réalisations)",
        basis = spec.basis, kind = "balance",
        check = function(p)
            local actions = plan.actions(p)
            if #actions == 0 then return na("Budget non détaillé par action") end
            local bad = {}
            for _, a in ipairs(actions) do
                if a.expenses ~= a.resources then
                    bad[#bad + 1] = string.format("action %s : financements %s ≠ réalisations %s (écart %s)",
                        a.action, fmt(a.resources), fmt(a.expenses), fmt(sub(a.resources, a.expenses)))
                end
            end
            local figures = { actions = actions }
            if #bad == 0 then
                return pass(string.format("%d actions équilibrées, financements = réalisations", #actions), figures)
            end
            return fail(table.concat(bad, " ; "), figures)
        end,
    }
end

local function declared_entries(spec, key, ctor)
    local list = spec[key] or {}
    for i, e in ipairs(list) do
        if type(e) ~= "table" or type(e[1]) ~= "string" or math.type(e[2]) ~= "integer" then
            error(string.format(tr("%s: %s[%d] must be { id, amount[, label] }"), ctor, key, i), 3)
        end
    end
    return list
end

-- declared_totals {
--     resources = { { "MEL", param "declared_mel", "Lille Métropole" }, ... },
--     expenses = { { "staff", param "declared_city", "dont réalisation Ville" }, ... },
--     total = param "declared_total" }
-- The totals a document declares (its TOTAL row) against the sums of its
-- lines, to the cent: each financer's resources, each category's expenses,
-- the total both ways (expenses and resources), and the declared figures
-- among themselves (the declared resources, and the declared expenses,
-- each sum to the declared total). Every difference is listed with the
-- exact amounts, and one difference fails: a document whose figures do
-- not add up is reported, not absorbed. Entries are lists so the report
-- keeps the document's column order.
function K.declared_totals(spec)
    local resources = declared_entries(spec, "resources", "declared_totals")
    local expenses = declared_entries(spec, "expenses", "declared_totals")
    local total = spec.total
    if total ~= nil and math.type(total) ~= "integer" then
        error(tr("declared_totals: `total` must be an amount in cents"), 2)
    end
    rule {
        id = spec.id or "totaux-declares",
        title = spec.title or "Les totaux déclarés sont la somme des lignes",
        basis = spec.basis, kind = "consistency",
        check = function(p)
            local diffs, rows = {}, {}
            local function compare(label, declared, computed)
                rows[#rows + 1] = { label = label, declared = declared, computed = computed,
                    difference = sub(declared, computed) }
                if declared ~= computed then
                    diffs[#diffs + 1] = string.format("%s : déclaré %s, somme des lignes %s (écart %s)",
                        label, fmt(declared), fmt(computed), fmt(sub(declared, computed)))
                end
            end
            local sum_res, sum_exp = 0, 0
            for _, e in ipairs(resources) do
                compare(e[3] or e[1], e[2], budget.resources_of(p, e[1]))
                sum_res = add(sum_res, e[2])
            end
            for _, e in ipairs(expenses) do
                compare(e[3] or budget.category_label(e[1]), e[2], budget.expenses_of(p, e[1]))
                sum_exp = add(sum_exp, e[2])
            end
            if total ~= nil then
                compare("Total (dépenses)", total, budget.total_expenses(p))
                compare("Total (ressources)", total, budget.total_resources(p))
                local function own(label, entries, sum)
                    if #entries == 0 then return end
                    local parts = {}
                    for i, e in ipairs(entries) do parts[i] = fmt(e[2]) end
                    rows[#rows + 1] = { label = label, declared = total, computed = sum,
                        difference = sub(total, sum) }
                    if sum ~= total then
                        diffs[#diffs + 1] = string.format("%s : %s = %s ≠ total déclaré %s (écart %s)",
                            label, table.concat(parts, " + "), fmt(sum), fmt(total), fmt(sub(total, sum)))
                    end
                end
                own("Total déclaré des ressources", resources, sum_res)
                own("Total déclaré des dépenses", expenses, sum_exp)
            end
            local figures = { rows = rows, differences = #diffs }
            if #diffs == 0 then
                return pass(string.format("Les %d totaux déclarés sont la somme des lignes", #rows), figures)
            end
            return fail(string.format("%d écart(s) : %s", #diffs, table.concat(diffs, " ; ")), figures)
        end,
    }
end

return K
