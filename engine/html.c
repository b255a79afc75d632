/*
 * html: text made safe inside HTML (see html.h).
 */
#include "html.h"

void elg_html_text(FILE *f, const char *s, size_t n) {
    for (size_t i = 0; s && i < n; i++) {
        switch (s[i]) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        case '\0':
            break;
        default:
            fputc(s[i], f);
        }
    }
}
