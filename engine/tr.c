/*
 * tr: looks messages up in the compiled French catalogue (see tr.h).
 */
#include "tr.h"

#include <string.h>

const char *elg_tr(const char *msgid) {
    size_t lo = 0, hi = elg_tr_fr_count;
    if (!msgid)
        return msgid;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(msgid, elg_tr_fr[mid].msgid);
        if (c == 0)
            return elg_tr_fr[mid].msgstr;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    /* Not translated: the msgid, without the context elg_trc put before it. */
    const char *ctx_end = strchr(msgid, '\004');
    return ctx_end ? ctx_end + 1 : msgid;
}
