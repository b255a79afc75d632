-- Trick: three rules recursing with big frames (60 locals) reach Lua's stack limit
-- under 32 MiB: each traceback has one line per frame (about 12 000 lines, 530 KB),
-- which no output limit bounds.
-- Expected: each rule errs with "stack overflow" at line 8, and the decision stays
-- within the output limit (16 x --max-output).
local function deep(n)
    local a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32, a33, a34, a35, a36, a37, a38, a39, a40, a41, a42, a43, a44, a45, a46, a47, a48, a49, a50, a51, a52, a53, a54, a55, a56, a57, a58, a59, a60 = n
    return deep(n + 1) + 1
end
for i = 1, 3 do
    rule { id = "pile-" .. i, title = "Une trace de douze mille lignes", check = function(p)
        return pass(tostring(deep(1)))
    end }
end
