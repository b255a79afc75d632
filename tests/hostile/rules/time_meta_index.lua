-- Trick: an __index metamethod that indexes its own table (recursion through C).
-- Expected: error "C stack overflow" at line 6.
rule { id = "meta-index", title = "__index récursif", check = function(p)
    local t = setmetatable({}, {})
    getmetatable(t).__index = function(self, k)
        return self[k]
    end
    return pass(tostring(t.x))
end }
