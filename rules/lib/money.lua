-- Money and rates for rule authors.
--
-- Amounts are integers in cents: eur(80820) is 8082000. Rates are exact
-- fractions {num=, den=}: pct(65), bp(6500), frac(1, 3). The C primitives
-- fmt, fmt_rate, add, sub, apply_rate_floor, apply_rate_ceil, ratio_cmp,
-- ratio_bp, split, parse_amount and parse_rate are globals too.
local M = {}

local MAX_EUROS = 92233720368547758 -- largest whole-euro amount that fits in cents

-- eur(80820) -> 8082000 cents; eur("80 820,00 €") -> 8082000.
function M.eur(x)
    if math.type(x) == "integer" then
        if x > MAX_EUROS or x < -MAX_EUROS then
            error(string.format(tr("eur(%d): amount too large"), x), 2)
        end
        return x * 100
    elseif type(x) == "string" then
        return parse_amount(x)
    end
    error(string.format(tr("eur expects whole euros (eur(80820)) or text (eur(\"80 820,50 €\")), got %s"),
        math.type(x) == "float" and tr("a decimal number") or type(x)), 2)
end

local function check_int(x, what)
    if math.type(x) ~= "integer" then
        error(string.format(tr("%s must be an integer, got %s"), what, math.type(x) or type(x)), 3)
    end
end

-- pct(65) is 65 %; pct(125, 10) is 12,5 %.
function M.pct(n, scale)
    check_int(n, "pct")
    scale = scale or 1
    check_int(scale, tr("pct scale"))
    return { num = n, den = 100 * scale }
end

-- bp(6500) is 6 500 basis points, 65 %.
function M.bp(n)
    check_int(n, "bp")
    return { num = n, den = 10000 }
end

-- frac(1, 3) is one third.
function M.frac(n, d)
    check_int(n, tr("frac numerator"))
    check_int(d, tr("frac denominator"))
    if d <= 0 then error(tr("frac: the denominator must be positive"), 2) end
    return { num = n, den = d }
end

-- Basis points as French text: 300 -> "3,00 %".
function M.fmt_bp(bp)
    check_int(bp, "fmt_bp")
    local sign = bp < 0 and "-" or ""
    bp = math.abs(bp)
    return string.format("%s%d,%02d %%", sign, bp // 100, bp % 100)
end

-- The share part/whole as French text rounded half up to 0,01 % (display
-- only; compare rates with ratio_cmp).
function M.fmt_share(part, whole)
    if whole <= 0 then return "—" end
    return M.fmt_bp(ratio_bp(part, whole))
end

-- Checked sum of a list of amounts.
function M.sum(list)
    local t = 0
    for _, v in ipairs(list) do t = add(t, v) end
    return t
end

return M
