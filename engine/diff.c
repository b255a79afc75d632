/*
 * diff: decision documents compared as data (see diff.h).
 *
 * Everything nested is first flattened to an object path -> leaf value, so
 * one comparison (compare_flat) serves key figures, rule figures, facts,
 * parameters and rule files alike.
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Top-level fields compared as values; the others are compared below with
 * their own structure, or never (decision_id, created_at). */
static const char *const decision_fields[] = {
    "format",         "project",     "project_version", "project_sha256", "call",
    "call_version",   "call_sha256", "call_title",      "edition",        "ruleset_sha256",
    "engine_version", "basis",       "limits",
};

/* Per-rule fields compared as values (not figures, facts: key by key; not
 * duration_us: a timing). */
static const char *const rule_fields[] = {
    "title", "status", "message", "basis", "source", "notices", "missing", "error_at", "traceback",
};

/* Members that name the elements of a list of objects, in preference order. */
static const char *const element_keys[] = {"financer", "id", "name", "path"};

static char *join_path(const char *path, const char *key, int bracket) {
    size_t n = strlen(path) + strlen(key) + 3;
    char *p = malloc(n);
    if (!p)
        return NULL;
    if (!path[0])
        snprintf(p, n, "%s", key);
    else
        snprintf(p, n, bracket ? "%s[%s]" : "%s.%s", path, key);
    return p;
}

/* The member naming every element of list a (all objects, unique values),
 * or NULL when elements must be named by their index. */
static const char *element_key(json_t *a) {
    for (size_t k = 0; k < sizeof element_keys / sizeof element_keys[0]; k++) {
        json_t *seen = json_object();
        int ok = seen != NULL;
        size_t i;
        json_t *e;
        json_array_foreach(a, i, e) {
            const char *v = json_string_value(json_object_get(e, element_keys[k]));
            if (!ok || !v || json_object_get(seen, v)) {
                ok = 0;
                break;
            }
            json_object_set_new(seen, v, json_true());
        }
        json_decref(seen);
        if (ok)
            return element_keys[k];
    }
    return NULL;
}

/* Adds every leaf of v under path to out (path -> value). Empty objects and
 * lists are leaves; an absent value (NULL) adds nothing. Returns -1 when out
 * of memory. */
static int flatten(json_t *v, const char *path, json_t *out) {
    if (!v)
        return 0; /* absent (an older decision format): nothing to compare */
    if ((json_is_object(v) && json_object_size(v) > 0) ||
        (json_is_array(v) && json_array_size(v) > 0)) {
        int rc = 0;
        if (json_is_object(v)) {
            const char *k;
            json_t *child;
            json_object_foreach(v, k, child) {
                char *p = join_path(path, k, 0);
                rc = p ? flatten(child, p, out) : -1;
                free(p);
                if (rc)
                    return rc;
            }
            return 0;
        }
        const char *key = element_key(v);
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child) {
            char index[32];
            snprintf(index, sizeof index, "%zu", i);
            char *p =
                join_path(path, key ? json_string_value(json_object_get(child, key)) : index, 1);
            rc = p ? flatten(child, p, out) : -1;
            free(p);
            if (rc)
                return rc;
        }
        return 0;
    }
    return json_object_set(out, path[0] ? path : "(value)", v);
}

static json_t *change(const char *key_name, const char *key, const char *what, json_t *old,
                      json_t *new) {
    json_t *c = json_pack("{ssss}", key_name, key, "change", what);
    if (c && old)
        json_object_set(c, "old", old);
    if (c && new)
        json_object_set(c, "new", new);
    return c;
}

/* Appends to list the differences between a and b (flattened). */
static int compare_values(json_t *a, json_t *b, json_t *list) {
    json_t *fa = json_object(), *fb = json_object();
    int rc = -1;
    if (!fa || !fb || flatten(a, "", fa) || flatten(b, "", fb))
        goto out;
    const char *k;
    json_t *va;
    json_object_foreach(fa, k, va) {
        json_t *vb = json_object_get(fb, k);
        if (!vb)
            json_array_append_new(list, change("path", k, "removed", va, NULL));
        else if (!json_equal(va, vb))
            json_array_append_new(list, change("path", k, "changed", va, vb));
    }
    json_t *vb;
    json_object_foreach(fb, k, vb) {
        if (!json_object_get(fa, k))
            json_array_append_new(list, change("path", k, "added", NULL, vb));
    }
    rc = 0;
out:
    json_decref(fa);
    json_decref(fb);
    return rc;
}

/* {path: sha256} of a decision's rule_files, so a file is compared by path. */
static json_t *files_by_path(json_t *files) {
    json_t *o = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        const char *p = json_string_value(json_object_get(f, "path"));
        if (p)
            json_object_set(o, p, json_object_get(f, "sha256"));
    }
    return o;
}

/* Compares the fields listed in names of a and b into list as {field, old, new}. */
static void compare_fields(json_t *a, json_t *b, const char *const *names, size_t n, json_t *list) {
    for (size_t i = 0; i < n; i++) {
        json_t *va = json_object_get(a, names[i]), *vb = json_object_get(b, names[i]);
        if (!va && !vb)
            continue;
        if (va && vb && json_equal(va, vb))
            continue;
        json_array_append_new(list, json_pack("{sssOsO}", "field", names[i], "old",
                                              va ? va : json_null(), "new", vb ? vb : json_null()));
    }
}

static json_t *find_rule(json_t *rules, const char *id) {
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        const char *rid = json_string_value(json_object_get(r, "id"));
        if (rid && strcmp(rid, id) == 0)
            return r;
    }
    return NULL;
}

static json_t *one_sided(json_t *r, const char *what) {
    return json_pack("{sOsssOsO}", "id", json_object_get(r, "id"), "change", what, "status",
                     json_object_get(r, "status") ? json_object_get(r, "status") : json_null(),
                     "message",
                     json_object_get(r, "message") ? json_object_get(r, "message") : json_null());
}

/* Compares rule lists into out.rules and out.rules_unchanged. */
static int compare_rules(json_t *ra, json_t *rb, json_t *out) {
    json_t *changed = json_object_get(out, "rules");
    json_t *unchanged = json_object_get(out, "rules_unchanged");
    size_t i;
    json_t *r;
    json_array_foreach(rb, i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        if (!id)
            continue;
        json_t *old = find_rule(ra, id);
        if (!old) {
            json_array_append_new(changed, one_sided(r, "added"));
            continue;
        }
        json_t *fields = json_array(), *figures = json_array(), *facts = json_array();
        compare_fields(old, r, rule_fields, sizeof rule_fields / sizeof rule_fields[0], fields);
        if (compare_values(json_object_get(old, "figures"), json_object_get(r, "figures"),
                           figures) ||
            compare_values(json_object_get(old, "facts"), json_object_get(r, "facts"), facts)) {
            json_decref(fields);
            json_decref(figures);
            json_decref(facts);
            return -1;
        }
        if (json_array_size(fields) + json_array_size(figures) + json_array_size(facts) == 0) {
            json_array_append_new(unchanged, json_string(id));
            json_decref(fields);
            json_decref(figures);
            json_decref(facts);
            continue;
        }
        json_array_append_new(changed,
                              json_pack("{sssssososo}", "id", id, "change", "changed", "fields",
                                        fields, "figures", figures, "facts", facts));
    }
    json_array_foreach(ra, i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        if (id && !find_rule(rb, id))
            json_array_append_new(changed, one_sided(r, "removed"));
    }
    return 0;
}

json_t *elg_diff_decisions(json_t *a, json_t *b, elg_error *err) {
    if (!json_is_object(a) || !json_is_object(b) || !json_is_array(json_object_get(a, "rules")) ||
        !json_is_array(json_object_get(b, "rules"))) {
        elg_error_set(err, ELG_EUSAGE, "only decisions (objects with their rules) can be compared");
        return NULL;
    }
    json_t *out = json_pack("{s[]s[]s[]s[]s[]s[]s[]}", "decision", "figures", "parameters",
                            "rule_files", "financer_versions", "rules", "rules_unchanged");
    json_t *fa = files_by_path(json_object_get(a, "rule_files"));
    json_t *fb = files_by_path(json_object_get(b, "rule_files"));
    int rc = out && fa && fb ? 0 : -1;
    if (rc == 0) {
        json_t *oa = json_object_get(a, "outcome"), *ob = json_object_get(b, "outcome");
        json_object_set_new(out, "outcome",
                            json_equal(oa, ob) ? json_null()
                                               : json_pack("{sOsO}", "old", oa ? oa : json_null(),
                                                           "new", ob ? ob : json_null()));
        compare_fields(a, b, decision_fields, sizeof decision_fields / sizeof decision_fields[0],
                       json_object_get(out, "decision"));
        rc = compare_values(json_object_get(a, "figures"), json_object_get(b, "figures"),
                            json_object_get(out, "figures"));
    }
    if (rc == 0)
        rc = compare_values(json_object_get(a, "parameters"), json_object_get(b, "parameters"),
                            json_object_get(out, "parameters"));
    if (rc == 0)
        rc = compare_values(fa, fb, json_object_get(out, "rule_files"));
    if (rc == 0)
        rc = compare_values(json_object_get(a, "financer_versions"),
                            json_object_get(b, "financer_versions"),
                            json_object_get(out, "financer_versions"));
    if (rc == 0)
        rc = compare_rules(json_object_get(a, "rules"), json_object_get(b, "rules"), out);
    json_decref(fa);
    json_decref(fb);
    if (rc) {
        json_decref(out);
        elg_error_set(err, ELG_ENOMEM, "out of memory comparing decisions");
        return NULL;
    }
    return out;
}

int elg_diff_same(json_t *diff) {
    static const char *const lists[] = {"figures", "parameters", "rule_files", "financer_versions",
                                        "rules"};
    if (!json_is_null(json_object_get(diff, "outcome")))
        return 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (json_array_size(json_object_get(diff, lists[i])) > 0)
            return 0;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(diff, "decision"), i, d) {
        if (strcmp(json_string_value(json_object_get(d, "field")), "engine_version") != 0)
            return 0;
    }
    return 1;
}

size_t elg_diff_rules_changed(json_t *diff) {
    return json_array_size(json_object_get(diff, "rules"));
}
