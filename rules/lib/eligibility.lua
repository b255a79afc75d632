-- Eligibility constructors: who may apply (legal status, approvals), where
-- (communes), when (the call's window, the eligible period) and the de
-- minimis ceiling for undertakings. Built on the `rule` primitive like the
-- budget constructors; every check reads the project through its recording
-- view, so the trace lists the statuses, communes and dates it used.
local plan = require("plan")
local K = {}

local in_list = plan.in_list

local function list_of(spec, key, ctor)
    local v = spec[key]
    if type(v) ~= "table" then
        error(string.format(tr("%s: `%s` must be a list (param \"...\" of type list)"), ctor, key), 3)
    end
    return v
end

-- applicants { statuses = param "eligible_statuses" }
-- applicants { statuses = { "association", "scop", "scic" }, approval = "esus" }
-- applicants { statuses = { "company" }, approval = "esus", require_approval = true }
-- Every applicant's legal status is in `statuses`; with `approval`, an
-- applicant holding that approval is admitted whatever its status (an
-- ESUS-approved commercial company is part of the ESS, loi 2014-856 art. 1
-- II and art. 11); with require_approval = true the approval is required
-- in addition to the status. Statuses compare exactly (lower case ids).
-- Fails naming the first applicant refused. Requires every applicant's
-- status: an applicant without one makes the rule `missing`.
function K.applicants(spec)
    local statuses = list_of(spec, "statuses", "applicants")
    local approval, required = spec.approval, spec.require_approval == true
    if approval ~= nil and type(approval) ~= "string" then
        error(tr("applicants: `approval` must be an approval id such as \"esus\""), 2)
    end
    if required and not approval then error(tr("applicants: require_approval needs `approval`"), 2) end
    rule {
        id = spec.id or "beneficiaires-eligibles",
        title = spec.title or "Les porteurs ont un statut éligible",
        basis = spec.basis, kind = "applicants",
        requires = { "applicants[].status" },
        native = { op = "applicants", statuses = statuses, approval = approval, required = required },
        check = function(p)
            local names = {}
            for i, a in ipairs(p.applicants) do
                local ok_status = in_list(statuses, a.status)
                local approved = approval ~= nil and in_list(a.approvals, approval)
                local ok
                if required then ok = ok_status and approved else ok = ok_status or approved end
                if not ok then
                    local why = required and ok_status and (" sans l'agrément « " .. approval .. " »")
                        or (" : statut non éligible (admis : " .. table.concat(statuses, ", ") ..
                            (approval and (" ; ou agrément « " .. approval .. " »") or "") .. ")")
                    return fail(string.format("Porteur %d, %s (%s)%s", i, a.name, a.status, why))
                end
                names[#names + 1] = a.name .. " (" .. a.status .. (approved and (", " .. approval) or "") .. ")"
            end
            return pass("Statuts éligibles : " .. table.concat(names, " ; "))
        end,
    }
end

-- Communes are identified by name or by INSEE code.
--
-- Names compare after normalisation: accents and ligatures folded (every
-- letter of French commune names, upper and lower case: Ë Ï Ü Ÿ Æ Œ...),
-- lower case, hyphens, apostrophes, dots and spaces (typographic ones and
-- no-break spaces included) taken as one separator, "St"/"Ste" read as
-- "Saint"/"Sainte" and "lès"/"lez" as "les". So "Mons-en-Barœul", "MONS EN
-- BAROEUL" and "mons en baroeul" are the same commune, and so are
-- "Noyelles-lès-Seclin", "Noyelles-lez-Seclin" and "NOYELLES LES SECLIN".
local FOLD = {
    ["à"] = "a", ["á"] = "a", ["â"] = "a", ["ã"] = "a", ["ä"] = "a", ["å"] = "a", ["æ"] = "ae",
    ["ç"] = "c", ["è"] = "e", ["é"] = "e", ["ê"] = "e", ["ë"] = "e", ["ì"] = "i", ["í"] = "i",
    ["î"] = "i", ["ï"] = "i", ["ñ"] = "n", ["ò"] = "o", ["ó"] = "o", ["ô"] = "o", ["õ"] = "o",
    ["ö"] = "o", ["ø"] = "o", ["ù"] = "u", ["ú"] = "u", ["û"] = "u", ["ü"] = "u", ["ý"] = "y",
    ["ÿ"] = "y", ["œ"] = "oe",
    ["À"] = "a", ["Á"] = "a", ["Â"] = "a", ["Ã"] = "a", ["Ä"] = "a", ["Å"] = "a", ["Æ"] = "ae",
    ["Ç"] = "c", ["È"] = "e", ["É"] = "e", ["Ê"] = "e", ["Ë"] = "e", ["Ì"] = "i", ["Í"] = "i",
    ["Î"] = "i", ["Ï"] = "i", ["Ñ"] = "n", ["Ò"] = "o", ["Ó"] = "o", ["Ô"] = "o", ["Õ"] = "o",
    ["Ö"] = "o", ["Ø"] = "o", ["Ù"] = "u", ["Ú"] = "u", ["Û"] = "u", ["Ü"] = "u", ["Ý"] = "y",
    ["Ÿ"] = "y", ["Œ"] = "oe",
}
-- Words written in several ways in commune names.
local WORDS = { st = "saint", ste = "sainte", lez = "les" }

local function normalise(name)
    -- No-break spaces, typographic hyphens, dashes and apostrophes: separators.
    local s = string.gsub(name, "\xC2\xA0", " ")
    s = string.gsub(s, "\xCA\xBC", " ")                               -- U+02BC
    s = string.gsub(s, "\xE2\x80[\x90\x91\x93\x94\x98\x99\xAF]", " ") -- U+2010 ... U+202F
    s = string.gsub(s, "[\xC3\xC5][\x80-\xBF]", FOLD)
    s = string.lower(s)
    local words = {}
    for w in string.gmatch(s, "[^%s%-'%.]+") do words[#words + 1] = WORDS[w] or w end
    return table.concat(words, "-")
end

-- An INSEE commune code ("59437", "2A004" in Corsica) in its canonical
-- form, or nil when text is not one.
local function insee_of(text)
    if #text ~= 5 then return nil end
    local code = string.upper(text)
    if string.match(code, "^%d%d%d%d%d$") or string.match(code, "^2[AB]%d%d%d$") then return code end
    return nil
end

-- The edit distance between a and b when at most k, else nil (Levenshtein
-- on bytes, within a band of width k: a long name costs no more than k
-- steps per byte).
local function distance_within(a, b, k)
    local la, lb = #a, #b
    if math.abs(la - lb) > k then return nil end
    local far = k + 1
    local prev = {}
    for j = 0, math.min(lb, k) do prev[j] = j end
    for i = 1, la do
        local cur = {}
        local lo, hi = math.max(0, i - k), math.min(lb, i + k)
        local best = far
        if lo == 0 then
            cur[0] = i
            best = i
        end
        local ca = string.byte(a, i)
        for j = math.max(1, lo), hi do
            local d = (prev[j - 1] or far) + (ca == string.byte(b, j) and 0 or 1)
            local up, left = (prev[j] or far) + 1, (cur[j - 1] or far) + 1
            if up < d then d = up end
            if left < d then d = left end
            cur[j] = d
            if d < best then best = d end
        end
        if best > k then return nil end
        prev = cur
    end
    local d = prev[lb]
    if d ~= nil and d <= k then return d end
    return nil
end

-- The communes of a call, by normalised name and by code, in list order.
local function commune_index(communes)
    local index = { names = {}, codes = {}, list = {} }
    for _, c in ipairs(communes) do
        local code = insee_of(c)
        if code then
            index.codes[code] = true
        else
            local n = normalise(c)
            index.names[n] = true
            index.list[#index.list + 1] = { name = c, normalised = n }
        end
    end
    return index
end

-- Whether a commune written as name (a name or a code) is in the index.
local function commune_inside(index, name)
    local code = insee_of(name)
    if code then return index.codes[code] == true end
    return index.names[normalise(name)] == true
end

-- " (vouliez-vous dire « X » ?)" when a listed commune is a few typos away
-- from name (after normalisation: 1 edit for names of up to 5 letters, 2 up
-- to 10, 3 beyond; the nearest, then the first in the list), else "".
local function commune_hint(index, name)
    if insee_of(name) then return "" end
    local n = normalise(name)
    local best, best_d
    for _, c in ipairs(index.list) do
        local len = #c.normalised
        local k = len <= 5 and 1 or (len <= 10 and 2 or 3)
        if best_d and best_d - 1 < k then k = best_d - 1 end
        local d = k >= 1 and distance_within(n, c.normalised, k) or nil
        if d then best, best_d = c.name, d end
    end
    if best then return " (vouliez-vous dire « " .. best .. " » ?)" end
    return ""
end

-- territory { communes = param "communes" }                    -- the project's communes
-- territory { communes = param "communes", applicant = true }  -- and each applicant's
-- territory { communes = { "Mons-en-Barœul" }, project = false, applicant = true }
-- territory { communes = { "59437", "59560" } }                 -- INSEE codes
-- Every commune the project covers (project.territory) is in the list, and
-- with applicant = true each applicant's commune too. A commune is in the
-- list when its name matches a listed name (after normalisation, above) or
-- its INSEE code a listed code: entries of 5 characters such as "59437"
-- are codes, in the list as in the project's territory, and an applicant's
-- `insee` is read when its commune's name is not in the list. It requires
-- the project's territory (not empty), and with applicant = true each
-- applicant's commune or INSEE code: without them the rule is `missing`,
-- there is nothing to check. Fails naming the communes outside the list,
-- each with the listed commune it is a few typos away from, if any:
-- "Noyelle-lès-Seclin (vouliez-vous dire « Noyelles-lès-Seclin » ?)".
function K.territory(spec)
    local communes = list_of(spec, "communes", "territory")
    local of_project, of_applicant = spec.project ~= false, spec.applicant == true
    if not of_project and not of_applicant then error(tr("territory: nothing to check"), 2) end
    -- The call's communes are normalised once, when the rule is declared
    -- (the list read then is still among the rule's facts), not for every
    -- project.
    local index = commune_index(communes)
    local requires = {}
    if of_project then requires[#requires + 1] = "territory" end
    if of_applicant then requires[#requires + 1] = "applicants[].commune|insee" end
    rule {
        id = spec.id or "territoire",
        title = spec.title or "Le projet se situe sur le territoire de l'appel",
        basis = spec.basis, kind = "territory", requires = requires,
        native = { op = "territory", communes = communes, project = of_project,
            applicant = of_applicant },
        check = function(p)
            local outside, checked = {}, 0
            if of_project then
                for _, c in ipairs(p.territory) do
                    checked = checked + 1
                    if not commune_inside(index, c) then outside[#outside + 1] = c .. commune_hint(index, c) end
                end
            end
            if of_applicant then
                for i, a in ipairs(p.applicants) do
                    local c = a.commune
                    local inside = c ~= nil and commune_inside(index, c)
                    if not inside then
                        local code = a.insee
                        inside = code ~= nil and index.codes[insee_of(code) or ""] == true
                        if not inside then
                            local shown = c and (c .. commune_hint(index, c)) or code
                            if c and code then shown = shown .. ", code INSEE " .. code end
                            outside[#outside + 1] = shown .. " (" .. a.name .. ")"
                        end
                    end
                    checked = checked + 1
                end
            end
            if #outside > 0 then
                return fail(string.format("Hors du territoire de l'appel (%d communes) : %s", #communes,
                    table.concat(outside, ", ")))
            end
            return pass(string.format("%d commune(s) vérifiée(s), toutes dans le territoire de l'appel (%d communes)",
                checked, #communes))
        end,
    }
end

-- window { }                                                  -- the call's window only
-- window { period_start = param "period_start", period_end = param "period_end" }
-- The submission date (project.submitted) within the call's window
-- (call.opens to call.closes, both inclusive, each optional) when the call
-- has one -- a project without a submission date is then `missing` it --
-- and the project's period within the eligible period [period_start,
-- period_end] when given (each bound optional, inclusive; a project without
-- its period is `missing` it). Dates are ISO 8601 text
-- (YYYY-MM-DD), whose text order is the date order. Not applicable when
-- there is nothing to check. Example: a call closing 2013-06-30 accepts a
-- project submitted on 2013-06-30 and refuses one submitted on 2013-07-01.
function K.window(spec)
    spec = spec or {}
    local from, to = spec.period_start, spec.period_end
    for _, k in ipairs({ "period_start", "period_end" }) do
        if spec[k] ~= nil and type(spec[k]) ~= "string" then
            error(string.format(tr("window: `%s` must be a date YYYY-MM-DD (param \"...\" of type date)"), k), 2)
        end
    end
    rule {
        id = spec.id or "calendrier",
        title = spec.title or "Dépôt dans les délais de l'appel et période éligible",
        basis = spec.basis, kind = "window",
        native = { op = "window", from = from, to = to },
        check = function(p, c)
            local opens, closes = c.opens, c.closes
            local said = {}
            if opens or closes then
                local d = p.submitted
                local window = string.format("du %s au %s", opens or "…", closes or "…")
                if d == nil then
                    return missing(field(p, "submitted"), "Date de dépôt non renseignée (appel ouvert " .. window .. ")")
                end
                if (opens and d < opens) or (closes and d > closes) then
                    return fail(string.format("Déposé le %s, hors de la période de dépôt %s", d, window))
                end
                said[#said + 1] = string.format("déposé le %s (appel ouvert %s)", d, window)
            end
            if from or to then
                local s, e = p.period.start, p.period["end"]
                local eligible = string.format("du %s au %s", from or "…", to or "…")
                if s == nil or e == nil then
                    local lacking = {}
                    if s == nil then lacking[#lacking + 1] = field(p.period, "start") end
                    if e == nil then lacking[#lacking + 1] = field(p.period, "end") end
                    return missing(lacking, "Période du projet non renseignée (période éligible " .. eligible .. ")")
                end
                if (from and s < from) or (to and e > to) then
                    return fail(string.format("Projet du %s au %s, hors de la période éligible %s", s, e, eligible))
                end
                said[#said + 1] = string.format("projet du %s au %s dans la période éligible %s", s, e, eligible)
            end
            if #said == 0 then return na("Ni période de dépôt ni période éligible") end
            local text = table.concat(said, " ; ")
            return pass(string.upper(string.sub(text, 1, 1)) .. string.sub(text, 2))
        end,
    }
end

-- Statuses treated as undertakings for de minimis when the call gives no
-- list: commercial companies and cooperatives. An association with an
-- economic activity is an undertaking too under EU law: a call that funds
-- such activities lists "association" in `undertakings`.
local UNDERTAKINGS = { "company", "sa", "sas", "sasu", "sarl", "eurl", "ei", "micro-entreprise",
    "scop", "scic", "cooperative" }

local function year_of(date) return tonumber(string.sub(date, 1, 4)) end

-- de_minimis { ceiling = param "de_minimis_ceiling", regulation = param "de_minimis_regulation",
--              period = param "de_minimis_period" }
-- For an undertaking (an applicant whose status is in `undertakings`,
-- default UNDERTAKINGS): the de minimis aid it declared (project.de_minimis)
-- within the reference period, and the grants other funders published for its
-- SIREN (project.aid_received, from eligo import scdl; one the applicant also
-- declared, same date and amount, is counted once), plus this grant (the amount requested from
-- the call), at most the ceiling in force at the decision date. The call's
-- editions carry the ceiling: 200 000 € under Reg. (EU) 1407/2013 (and Reg.
-- (EC) 1998/2006 before 2014), 300 000 € under Reg. (EU) 2023/2831 from
-- 2024-01-01. The decision date is the submission date, else the start of
-- the period: the date that selects the edition. Reference period:
-- "fiscal": the fiscal year of the decision date and the two before (fiscal
-- years taken as calendar years; Reg. 1407/2013 art. 3(2)); "rolling": the
-- three years up to the decision date (Reg. 2023/2831 art. 3(2)), i.e. aid
-- granted after the same day three years earlier. Aid dated after the
-- decision date is not counted. Exactly at the ceiling passes, one cent
-- over fails. The room left (ceiling - aid counted, at least 0) is reported
-- as a maximum grantable amount. Not applicable when no applicant is an
-- undertaking.
function K.de_minimis(spec)
    local ceiling = spec.ceiling
    if math.type(ceiling) ~= "integer" then error(tr("de_minimis: `ceiling` must be an amount in cents"), 2) end
    local period = spec.period or "fiscal"
    if period ~= "fiscal" and period ~= "rolling" then
        error(tr("de_minimis: `period` must be \"fiscal\" or \"rolling\""), 2)
    end
    local regulation = spec.regulation or "règlement de minimis"
    local undertakings = spec.undertakings or UNDERTAKINGS
    rule {
        id = spec.id or "de-minimis",
        title = spec.title or ("Aides de minimis dans la limite de " .. fmt(ceiling) .. " sur trois exercices"),
        basis = spec.basis or regulation, kind = "de-minimis", requires = { "applicants[].status" },
        check = function(p, c)
            local undertaking
            for _, a in ipairs(p.applicants) do
                if in_list(undertakings, a.status) then undertaking = a break end
            end
            if not undertaking then return na("Aucun porteur n'est une entreprise") end
            local date = p.submitted or p.period.start
            local first, from_text
            if period == "fiscal" then
                first = year_of(date) - 2
                from_text = string.format("exercices %d à %d", first, first + 2)
            else
                first = string.format("%04d%s", year_of(date) - 3, string.sub(date, 5))
                from_text = string.format("du %s (exclu) au %s", first, date)
            end
            local counted, lines = 0, 0
            local function inside(d)
                if period == "fiscal" then return year_of(d) >= first and d <= date end
                return d > first and d <= date
            end
            local declared = {}
            for _, aid in ipairs(p.de_minimis) do
                declared[aid.date .. "/" .. aid.amount] = true
                if inside(aid.date) then
                    counted = add(counted, aid.amount)
                    lines = lines + 1
                end
            end
            -- Grants other funders published for the applicants (eligo import scdl), unless the
            -- applicant declared the same one (same date and amount).
            local received, received_lines = 0, 0
            for _, aid in ipairs(p.aid_received or {}) do
                if inside(aid.date) and not declared[aid.date .. "/" .. aid.amount] then
                    received = add(received, aid.amount)
                    received_lines = received_lines + 1
                end
            end
            local declared_only = counted
            counted = add(counted, received)
            local grant = plan.grant_of(p, c)
            local total = add(counted, grant)
            local room = ceiling > counted and sub(ceiling, counted) or 0
            decision_figure("max_grantable", room)
            local figures = { declared = declared_only, grant = grant, total = total, ceiling = ceiling,
                room = room, decision_date = date }
            local published = ""
            if received_lines > 0 then
                figures.received = received
                published = string.format(" + aides publiées (SCDL) %s (%d)", fmt(received), received_lines)
            end
            local text = string.format("%s : aides déclarées %s (%d, %s)%s + subvention %s = %s", undertaking.name,
                fmt(declared_only), lines, from_text, published, fmt(grant), fmt(total))
            if total <= ceiling then
                return pass(string.format("%s ≤ plafond %s (%s)", text, fmt(ceiling), regulation), figures)
            end
            return fail(string.format("%s > plafond %s (%s), dépassement %s", text, fmt(ceiling), regulation,
                fmt(sub(total, ceiling))), figures)
        end,
    }
end

return K
