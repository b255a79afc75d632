/*
 * tr: looks messages up in the compiled French catalogue (see tr.h).
 */
#include "tr.h"

#include <errno.h>
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

/* The French of the C library's messages for the errors a user meets
 * (glibc's own French, which needs a fr_FR locale the machine may not have). */
static const struct {
    int code;
    const char *fr;
} errnos[] = {
    {EPERM, "Opération non permise"},
    {ENOENT, "Aucun fichier ou dossier de ce type"},
    {EINTR, "Appel système interrompu"},
    {EIO, "Erreur d'entrée/sortie"},
    {ENXIO, "Aucun périphérique ou adresse"},
    {EBADF, "Mauvais descripteur de fichier"},
    {ECHILD, "Pas de processus enfant"},
    {EAGAIN, "Ressource temporairement non disponible"},
    {ENOMEM, "Impossible d'allouer de la mémoire"},
    {EACCES, "Permission non accordée"},
    {EBUSY, "Périphérique ou ressource occupé"},
    {EEXIST, "Le fichier existe"},
    {ENODEV, "Aucun périphérique de ce type"},
    {ENOTDIR, "N'est pas un dossier"},
    {EISDIR, "est un dossier"},
    {EINVAL, "Argument invalide"},
    {ENFILE, "Trop de fichiers ouverts dans le système"},
    {EMFILE, "Trop de fichiers ouverts"},
    {ETXTBSY, "Fichier texte occupé"},
    {EFBIG, "Fichier trop gros"},
    {ENOSPC, "Aucun espace disponible sur le périphérique"},
    {ESPIPE, "Recherche illégale"},
    {EROFS, "Système de fichiers accessible en lecture seulement"},
    {EMLINK, "Trop de liens"},
    {EPIPE, "Relais brisé (tube)"},
    {ENAMETOOLONG, "Nom de fichier trop long"},
    {ELOOP, "Trop de niveaux de liens symboliques"},
    {EOVERFLOW, "Valeur trop grande pour le type de données défini"},
    {EDQUOT, "Quota de disque dépassé"},
    {ETIMEDOUT, "Délai d'attente dépassé"},
};

const char *elg_strerror(int errnum) {
    for (size_t i = 0; i < sizeof errnos / sizeof *errnos; i++)
        if (errnos[i].code == errnum)
            return errnos[i].fr;
    return strerror(errnum);
}
