/*
 * tr: the French words of every message a user reads.
 *
 * The code is written with English messages (the msgids); their French
 * translations live in one catalogue, po/fr.po, in the standard PO format
 * (msgfmt --check validates it). At build time cmake/po2c.c turns it into a
 * table compiled into the engine, so the program speaks French whatever the
 * machine's locale: a grant officer's machine, like CI's, may run with LANG=C
 * and have no fr_FR locale installed, where GNU gettext would fall back to
 * English. There is no language switch to set: the engine keeps no global
 * state and reads no environment.
 *
 * Marking: elg_error_set/elg_error_setv translate their format themselves,
 * so `elg_error_set(err, code, "no decision %lld in the store", id)` needs no
 * wrapper; any other message is wrapped in elg_tr("..."), and a string in a
 * static table in ELG_N("...") (translated where it is used, by elg_tr).
 * The Lua prelude calls the same lookup as tr("...") (C.tr, engine/sandbox.c).
 * tests/i18n/ extracts every marked msgid with xgettext and fails when one
 * has no French translation; po2c fails the build when a translation's
 * printf conversions differ from its msgid's.
 */
#ifndef ELG_TR_H
#define ELG_TR_H

#include <stddef.h>

typedef struct elg_tr_entry {
    const char *msgid;  /* the English message, as written in the code */
    const char *msgstr; /* its French translation, same printf conversions */
} elg_tr_entry;

/* The generated table (po/fr.po), sorted by msgid (strcmp). */
extern const elg_tr_entry elg_tr_fr[];
extern const size_t elg_tr_fr_count;

/* Returns the French translation of msgid, or msgid itself when the
 * catalogue has none (a message already written in French, or one built at
 * run time). Never NULL for a non-NULL msgid; the result is static. */
const char *elg_tr(const char *msgid) __attribute__((format_arg(1)));

/* The translation of msgid in a context, for a msgid that must be translated
 * differently in two places (an opening and a closing quotation mark): the
 * catalogue's msgctxt. The context is a string literal. */
#define elg_trc(ctx, msgid) elg_tr(ctx "\004" msgid)

/* strerror(errnum) in French for the errors a user meets (missing file,
 * permission, full disk...); the C library's words for the others. */
const char *elg_strerror(int errnum);

/* Marks a string for extraction without translating it (static tables). */
#define ELG_N(s) (s)

#endif
