/*
 * help_table: the commands of the eligo program, each with its French help
 * text: the one table main.c dispatches from and from which `eligo help`,
 * `COMMAND --help`, the man page eligo(1) and the bash completion are all
 * written (cli/help.c). A new command is one entry here.
 *
 * Fields (cli.h, cli_command): usage lines after "eligo ", one summary line,
 * a description (paragraphs separated by an empty line), options and exit
 * codes as "TERM\tmeaning" lines. A sub-command ("trace show") has no run
 * function: its command dispatches it, and finds its help here.
 */
#include "cli.h"

const cli_command cli_commands[] = {
    {"init", cmd_init, "init [--format text|json]", "crée le magasin (ou le met à jour)",
     "Crée le magasin (le fichier SQLite choisi par --db, $ELIGO_DB ou ./eligo.db) et met son "
     "schéma à jour. import le crée aussi ; check, trace et replay, qui lisent le magasin, ne "
     "le créent jamais.",
     "--format text|json\ttexte, ou un objet JSON {\"store\", \"schema_version\"}",
     "0\tle magasin est prêt\n2\terreur d'usage\n5\tle magasin ne peut être créé ou mis à jour"},
    {"import", cmd_import, "import [--quiet] [--format text|json] FICHIER|RÉPERTOIRE...",
     "importe des documents financeur, appel et projet (tout ou rien)",
     "Importe des documents YAML (dans un répertoire : chaque *.yaml et *.yml, par ordre de "
     "nom). Chaque document est validé avant toute écriture : un seul document invalide et rien "
     "n'est importé ; l'erreur se lit fichier:ligne:colonne: champ: message. Réimporter un "
     "document identique ne change rien ; un document modifié devient une nouvelle version. Seuls "
     "les fichiers ordinaires sont lus : un FIFO, un socket ou un périphérique est refusé, et "
     "laissé de côté avec une note dans un répertoire. Crée le magasin s'il n'existe pas.",
     "-q, --quiet\tn'affiche rien en cas de succès\n"
     "--format text|json\ttexte, ou une ligne JSON par document : {\"kind\", \"id\", "
     "\"version\", \"status\"} (status : new, new-version, unchanged)",
     "0\ttout est importé\n2\terreur d'usage\n3\tdocument invalide, fichier absent ou "
     "illisible : rien n'est importé\n5\terreur du magasin : rien n'est importé"},
    {"import scdl", NULL, "import scdl FICHIER [--normalize SORTIE.csv] [--strict] [--quiet]",
     "importe les subventions publiées par d'autres financeurs (données SCDL)",
     "Lit un fichier « Subventions » SCDL tel qu'il est publié : UTF-8 (avec ou sans BOM) ou "
     "Windows-1252, séparateur « , » ou « ; », noms de colonnes du schéma ou variantes "
     "courantes (COLL_SIRET, SUB_MONTANT…), montants à la française, dates AAAA/MM/JJ, périodes "
     "jointes par « _ ». Chaque ligne est importée ou rejetée avec fichier:ligne:colonne: champ: "
     "raison (un SIRET écrit comme un nombre dont des chiffres sont perdus est rejeté, jamais "
     "réparé). Les lignes importées sont les aides déjà reçues, par SIREN du bénéficiaire : les "
     "règles les lisent (project.aid_received) et de_minimis les compte. Réimporter le même "
     "fichier n'ajoute rien. Guide : docs/formats.md.",
     "--normalize SORTIE.csv\técrit aussi les lignes importées en CSV SCDL 2.1.1\n"
     "--strict\tn'enregistre rien : tient le fichier au schéma 2.1.1 exactement (noms et ordre "
     "des colonnes, chaque cellule), comme un validateur Table Schema\n"
     "--quiet\tn'affiche que le bilan",
     "0\tle fichier est lu (les lignes rejetées sont dites)\n2\terreur d'usage\n3\tfichier "
     "illisible, ou (--strict) une ligne ou l'en-tête n'est pas valide\n5\terreur du magasin"},
    {"import cerfa", NULL,
     "import cerfa FICHIER [-o PROJET.yaml] [--id ID] [--title TEXTE] [--applicant NOM] "
     "[--status STATUT] [--siret SIRET] [--rna RNA] [--commune NOM] [--start DATE --end DATE] "
     "[--call APPEL] [--financer MOT=ID]...",
     "transforme un budget CERFA 12156*06 en document projet à compléter",
     "Transforme un budget prévisionnel CERFA 12156*06 enregistré en CSV (compte, libellé, "
     "montant en euros entiers ; quatrième colonne facultative : demandé ou accordé pour une "
     "ligne 74) en document projet que l'instructeur complète : dépenses par catégorie selon le "
     "compte, une ressource par ligne 74 (le financeur que nomme son libellé ; --financer "
     "Commune=VILLE-MONS associe un mot du libellé à un financeur enregistré), comptes 70 à 79 "
     "et autofinancement comme ressources propres (SELF), contributions en nature 86/87 en "
     "commentaires, hors du budget en numéraire. Vérifie ce que le formulaire affirme : euros "
     "entiers, charges = produits, 86 = 87, chaque total et sous-total. N'enregistre rien : "
     "importez le document une fois complété. Guide : docs/formats.md.",
     "-o PROJET.yaml\técrit le document dans ce fichier plutôt que sur la sortie standard\n"
     "--call APPEL\tl'appel auquel le projet candidate (la demande : les lignes de son "
     "financeur)\n"
     "--financer MOT=ID\tle financeur d'une ligne 74 dont le libellé contient MOT",
     "0\tle document est écrit\n2\terreur d'usage\n3\tle budget est invalide (à sa ligne)\n"
     "5\terreur interne"},
    {"check", cmd_check, "check PROJET [--call APPEL] [--format text|json]",
     "évalue un projet au regard de ses appels et enregistre les décisions",
     "Évalue la dernière version de PROJET au regard de chaque appel auquel il candidate (ou "
     "du seul APPEL), enregistre chaque décision avec sa trace et l'affiche : les règles en "
     "échec ou en erreur d'abord, puis celles qui attendent une donnée manquante (avec le champ "
     "du dossier à remplir), avec leur base juridique. --facts (option globale) ajoute "
     "sous chaque règle les données lues et les chiffres calculés.",
     "--call APPEL\tn'évalue le projet qu'au regard de cet appel\n"
     "--format text|json\ttexte, ou un objet JSON de décision par ligne (JSON Lines)",
     "0\ttoutes les décisions sont éligibles\n"
     "1\tau moins une décision est non éligible, aucune en erreur\n"
     "2\terreur d'usage\n"
     "3\tprojet ou appel inconnu, magasin absent\n"
     "4\tune règle est en erreur (décision « error »), ou la bibliothèque de règles est "
     "introuvable ou ne se charge pas\n"
     "5\terreur du magasin\n"
     "6\tau moins une décision est incomplète (une donnée dont une règle a besoin manque), "
     "aucune non éligible ni en erreur"},
    {"batch", cmd_batch,
     "batch APPEL [--project ID]... [--since DATE] [--format text|json|csv] [--jobs N] "
     "[--unit N]",
     "évalue et enregistre tous les projets d'un appel ; l'enveloppe et sa consommation",
     "Évalue la dernière version de chaque projet candidat à APPEL (ou des seuls --project ; "
     "--since : importés à partir de DATE), enregistre chaque décision, --unit décisions par "
     "transaction (1 000 par défaut), et rend compte des résultats et de la consommation de "
     "l'enveloppe de l'appel selon sa règle d'attribution (docs/calls.md, « Enveloppe »). Une "
     "décision déjà enregistrée à partir des mêmes données n'est pas enregistrée à nouveau : "
     "un lot interrompu puis relancé fait chaque décision une fois. Les décisions sont prises "
     "par --jobs processus de travail sous un superviseur qui tient le délai (--max-time) ; "
     "décisions et sortie sont les mêmes quel que soit N. Sur un terminal, une barre de "
     "progression avec le débit et le temps restant (sur la sortie d'erreur).",
     "--project ID\tseulement ce projet (répétable)\n--since DATE\tles projets importés à "
     "partir de DATE\n--format text|json|csv\tun résumé, un objet JSON, ou une ligne CSV par "
     "projet dans l'ordre d'attribution\n--jobs N\tprocessus de travail (par défaut : le nombre "
     "de cœurs ; 0 : dans ce processus, sans délai supervisé)\n--unit N\tdécisions par "
     "transaction",
     "0\tle lot est fait (quels que soient les résultats)\n2\terreur d'usage\n3\tappel ou "
     "projet inconnu, magasin absent\n4\tla bibliothèque de règles est introuvable ou ne se "
     "charge pas\n5\terreur du magasin"},
    {"whatif", cmd_whatif,
     "whatif APPEL --rules RÉPERTOIRE | --params FICHIER [--format text|json] [--jobs N]",
     "les décisions d'un appel que des règles ou des paramètres modifiés changeraient",
     "Décide chaque projet de APPEL (dernières versions) avec les règles et l'appel "
     "enregistrés, puis avec ceux qui sont modifiés : les fichiers de règles de RÉPERTOIRE "
     "(--rules, rangé comme rules/), ou l'appel avec les paramètres de FICHIER (YAML : "
     "« parameters: » avec des entrées comme dans un document d'appel) à la place des siens. "
     "Liste les projets dont le résultat ou les chiffres clés changent, avec les règles "
     "responsables, avant → après, et l'enveloppe avant → après. N'enregistre rien. Chaque "
     "côté est décidé par --jobs processus de travail sous un superviseur qui tient le délai "
     "(--max-time) : une règle qui ne rend pas la main donne une décision en erreur ; la "
     "sortie est la même quel que soit N.",
     "--rules RÉPERTOIRE\tles règles modifiées (les règles en usage : ELIGO_RULES, sinon "
     "celles installées)\n--params FICHIER\tles paramètres modifiés de l'appel\n"
     "--format text|json\ttexte, ou un objet JSON\n--jobs N\tprocessus de travail par côté "
     "(par défaut : le nombre de cœurs ; 0 : dans ce processus, sans délai supervisé)",
     "0\taucune décision ne change\n1\tdes décisions changent\n2\terreur d'usage\n3\tappel "
     "inconnu, FICHIER invalide, magasin absent\n4\tles règles ne se chargent pas\n5\terreur "
     "du magasin"},
    {"trace", cmd_trace, "trace list|show|diff|export ...",
     "lit les décisions enregistrées (sans jamais écrire)",
     "Lit les décisions enregistrées : les lister, en afficher une avec sa trace, en comparer "
     "deux, en exporter une en page HTML. Aucune de ces commandes n'écrit dans le magasin ni ne "
     "le crée.",
     NULL,
     "0\tsuccès\n2\terreur d'usage (sous-commande inconnue)\n3\tdécision inconnue, magasin "
     "absent\n5\terreur du magasin"},
    {"trace list", NULL,
     "trace list [--project ID] [--call ID] [--outcome eligible|ineligible|incomplete|error]\n"
     "           [--since DATE] [--until DATE] [--format text|json|csv] [--record]",
     "liste les décisions enregistrées, de la plus ancienne à la plus récente",
     "Liste les décisions enregistrées, une ligne par décision. Les dates sont des préfixes ISO "
     "8601 de l'heure de la décision (UTC), bornes comprises : --since 2024-03 --until "
     "2024-03-31 est mars 2024.",
     "--project ID\tles décisions de ce projet\n"
     "--call ID\tles décisions de cet appel\n"
     "--outcome RÉSULTAT\teligible, ineligible, incomplete ou error\n"
     "--since DATE\tà partir de cette date\n"
     "--until DATE\tjusqu'à cette date\n"
     "--format text|json|csv\ttexte, une ligne JSON par décision, ou un tableau CSV (RFC 4180, "
     "montants en centimes)\n"
     "--record\tavec --format json : chaque ligne donne aussi l'enregistrement de la décision tel "
     "que le magasin le garde (record, docs/trace.md) et son jeu de règles (ruleset)",
     "0\tsuccès (même sans décision)\n2\terreur d'usage\n3\tmagasin absent\n5\terreur du "
     "magasin"},
    {"trace show", NULL, "trace show DÉCISION [--format text|json]",
     "affiche une décision enregistrée avec sa trace",
     "Affiche la décision n° DÉCISION (voir trace list) : son résultat, ses chiffres clés et "
     "chaque règle avec son statut, son message et sa base juridique.",
     "--format text|json\ttexte, ou l'objet JSON complet de la décision sur une ligne",
     "0\tsuccès\n2\terreur d'usage\n3\tdécision inconnue, magasin absent\n5\terreur du "
     "magasin"},
    {"trace diff", NULL, "trace diff A B [--format text|json]",
     "ce qui a changé entre deux décisions, règle par règle",
     "Compare les décisions n° A et n° B : résultat, chiffres clés, paramètres, fichiers de "
     "règles, financeurs et chaque règle (statut, message, chiffres, données lues).",
     "--format text|json\ttexte, ou un objet JSON (avec \"same\")",
     "0\tsuccès, que les décisions diffèrent ou non\n2\terreur d'usage\n3\tdécision inconnue, "
     "magasin absent\n5\terreur du magasin"},
    {"trace export", NULL, "trace export DÉCISION --html [-o FICHIER]",
     "la décision en page HTML autonome et imprimable",
     "Écrit la décision n° DÉCISION en une page HTML autonome (sans ressource externe), "
     "imprimable, sur la sortie standard ou dans FICHIER.",
     "--html\tle format de l'export (le seul pour l'instant)\n"
     "-o, --output FICHIER\técrit la page dans FICHIER plutôt que sur la sortie standard",
     "0\tsuccès\n2\terreur d'usage\n3\tdécision inconnue, magasin absent, FICHIER impossible "
     "à écrire\n5\terreur du magasin"},
    {"explain", cmd_explain,
     "explain DÉCISION [--format html|pdf|text] [-o FICHIER] [--as opinion|decision]",
     "écrit la lettre qui explique une décision au porteur de projet",
     "Écrit, en français, la lettre adressée au porteur de projet qui explique la décision "
     "enregistrée DÉCISION (CRPA art. L311-3-1 et R311-3-1-2) : le résultat, la mention du "
     "traitement algorithmique et de sa part dans la décision, les données utilisées et leur "
     "source, les paramètres appliqués, une phrase par règle, ce qu'il faudrait changer, les voies "
     "et délais de recours, les références. Elle est tirée de la décision enregistrée et des "
     "versions dont elle a été faite, jamais des fichiers sur disque. N'enregistre rien. "
     "Guide : docs/explain.md.",
     "--format html|pdf|text\tHTML (par défaut), texte, ou PDF imprimé sur A4 par Chromium sans "
     "interface ($ELIGO_CHROMIUM nomme le programme, chromium par défaut)\n"
     "-o FICHIER\técrit la lettre dans FICHIER plutôt que sur la sortie standard\n"
     "--as opinion|decision\tun avis préparé pour l'autorité qui décide (par défaut), ou la "
     "décision elle-même",
     "0\tla lettre est écrite\n2\terreur d'usage\n3\tdécision inconnue, magasin absent\n"
     "5\tune donnée enregistrée manque, Chromium ne peut imprimer le PDF, erreur du magasin"},
    {"replay", cmd_replay, "replay DÉCISION [--format text|json]",
     "réévalue une décision depuis le magasin (0 identique, 1 divergence)",
     "Réévalue la décision n° DÉCISION à partir des versions enregistrées du projet et de "
     "l'appel, des versions de financeurs qu'elle a lues et des sources de règles enregistrées "
     "avec elle (jamais des fichiers sur disque), et compare le résultat à la décision "
     "enregistrée, durées mises à part. N'enregistre rien.",
     "--format text|json\ttexte, ou un objet JSON {\"same\", \"diff\", ...}",
     "0\tla décision est identique\n1\tla décision diverge (les différences sont affichées)\n"
     "2\terreur d'usage\n3\tdécision inconnue, magasin absent\n4\tles règles enregistrées ne "
     "se chargent pas\n5\tune donnée enregistrée manque ou a été altérée, erreur du magasin"},
    {"test", cmd_test, "test [--coverage] [--format text|json] [FICHIER|RÉPERTOIRE...]",
     "exécute les cas de test des règles (par défaut : tests/ du répertoire des règles)",
     "Exécute les cas de test des règles (fichiers YAML ; par défaut le répertoire tests/ du "
     "répertoire des règles), une ligne par cas ; pour un échec, la valeur attendue et la valeur "
     "obtenue, avec la ligne du fichier de test et le fichier:ligne de la règle. Format : "
     "docs/rules.md.",
     "--coverage\tajoute, par règle, le nombre de cas où elle réussit, échoue, est sans objet "
     "ou en erreur, et les règles qu'aucun cas ne fait à la fois réussir et échouer\n"
     "--format text|json\ttexte, ou un objet JSON",
     "0\ttous les cas réussissent (et la couverture est complète)\n"
     "1\tun cas échoue (ou, avec --coverage, une lacune de couverture)\n"
     "2\terreur d'usage\n3\tun fichier de test ou un document est invalide\n"
     "4\tla bibliothèque de règles est introuvable ou ne se charge pas\n5\terreur interne"},
    {"lint", cmd_lint, "lint [--format text|json] [--globals] [APPEL.yaml|RÉPERTOIRE...]",
     "vérifie des documents d'appel et leurs règles, sans projet",
     "Vérifie des documents d'appel (par défaut : seeds/calls à côté du répertoire des règles) "
     "et leurs fichiers de règles, ainsi que la bibliothèque de règles, sans aucun projet : "
     "syntaxe Lua, globales inconnues (un assistant mal orthographié), identifiants de règle en "
     "double, règles sans titre ou sans base juridique, paramètres demandés mais non définis par "
     "l'appel, paramètres qu'aucune règle n'utilise. Une ligne par constat : fichier:ligne: "
     "message [vérification]. Demande luac5.4 (paquet Debian lua5.4, ou $ELIGO_LUAC).",
     "--globals\taffiche les noms que les fichiers de règles peuvent utiliser, un par ligne\n"
     "--format text|json\ttexte, ou un tableau JSON des constats (des noms avec --globals)",
     "0\trien à signaler\n1\tau moins un constat\n2\terreur d'usage\n3\tun document est "
     "invalide\n4\tla bibliothèque de règles est introuvable ou ne se charge pas\n5\tluac5.4 "
     "ne peut être lancé, erreur interne"},
    {"new", cmd_new,
     "new project|call|financer|award|rules [ID] [--financer ID] [--call ID] [--project ID] "
     "[--schema CHEMIN]",
     "écrit un modèle commenté de document, qui s'importe tel quel",
     "Écrit sur la sortie standard un modèle de document commenté en français : un projet, un "
     "appel, un financeur, une subvention attribuée ou un fichier de règles. Les identifiants "
     "donnés remplacent ceux du modèle partout où ils paraissent, de sorte qu'un financeur, un "
     "appel, ses règles, un projet et sa subvention écrits avec les mêmes identifiants vont "
     "ensemble. Le document commence par la "
     "ligne yaml-language-server qui nomme son schéma. N'ouvre pas le magasin. Identifiants par "
     "défaut : NOUVEAU-FINANCEUR, nouvel-appel, nouveau-projet, nouvelle-subvention ; le fichier "
     "de règles de "
     "l'appel ID s'enregistre sous rules/calls/ID.lua. Exemple : eligo new financer VILLE > "
     "seeds/financers/ville.yaml. Guide : docs/guide-instructeur.md.",
     "--financer ID\tle financeur de l'appel ou du projet\n"
     "--call ID\tl'appel auquel le projet candidate, ou de la subvention\n"
     "--project ID\tle projet subventionné (award)\n"
     "--schema CHEMIN\tle schéma que la ligne yaml-language-server désigne (par défaut "
     "../../schemas/KIND.schema.json, pour un document rangé comme seeds/)",
     "0\tle modèle est écrit\n2\terreur d'usage"},
    {"export", cmd_export, "export scdl ...",
     "exporte les attributions au format des données ouvertes",
     "Exporte les attributions enregistrées dans un format public. Un seul format : scdl.", "",
     "0\tsuccès\n2\terreur d'usage\n3\tune attribution ne peut être publiée\n5\terreur du "
     "magasin"},
    {"export scdl", NULL,
     "export scdl [--call APPEL] [--funder SIRET] [--since DATE] [--until DATE] "
     "[--data-subvention] [-o FICHIER]",
     "écrit les attributions en données ouvertes SCDL 2.1.1 (CSV)",
     "Écrit la dernière version de chaque attribution enregistrée (ou de celles d'un appel, du "
     "SIRET d'un financeur, d'une période de convention : --since et --until sont des débuts de "
     "date inclusifs, « 2018 » est l'année entière) en CSV SCDL 2.1.1 : UTF-8, séparateur « , », "
     "une ligne par bénéficiaire, les 16 colonnes du schéma. pourcentageSubvention est la part "
     "de chaque bénéficiaire en dix-millièmes, par la méthode du plus fort reste, de somme "
     "exactement 1 par attribution. Chaque ligne est vérifiée contre le schéma et la clé de "
     "chaque SIRET avant toute écriture ; une attribution qui ne peut être publiée est nommée "
     "avec son champ, et rien n'est écrit. --data-subvention ajoute les 6 colonnes du projet "
     "d'extension Data.Subvention de l'État (statutLabel, montantDemande, exerciceBudgetaire, "
     "dateDecision, cofinancement, attribuantsCofinanceurs) : le fichier n'est alors plus "
     "SCDL 2.1.1 strict. Guide : docs/formats.md.",
     "--call APPEL\tles attributions de cet appel\n--funder SIRET\tcelles de ce financeur\n"
     "--since DATE\tconventions à partir de cette date\n--until DATE\tconventions jusqu'à "
     "cette date\n--data-subvention\tajoute les colonnes Data.Subvention\n-o FICHIER\técrit "
     "dans ce fichier plutôt que sur la sortie standard",
     "0\tle fichier est écrit\n2\terreur d'usage\n3\tune attribution ne peut être publiée "
     "(rien n'est écrit)\n5\terreur du magasin"},
    {"help", cli_help_command, "help [COMMANDE [SOUS-COMMANDE]] [--man | --bash-completion]",
     "l'aide d'eligo, ou d'une commande",
     "Sans argument, la liste des commandes et des options globales ; avec une commande, son "
     "aide (comme COMMANDE --help). --man écrit la page de manuel eligo(1) et "
     "--bash-completion le script de complétion bash, tous deux tirés de ce même texte.",
     "--man\técrit la page de manuel eligo(1) (format man(7))\n"
     "--bash-completion\técrit le script de complétion pour bash",
     "0\tsuccès\n2\tcommande inconnue"},
    {"version", cli_version_command, "version [--format text|json]", "affiche la version",
     "Affiche la version d'eligo (comme --version).",
     "--format text|json\ttexte, ou un objet JSON {\"version\"}", "0\tsuccès\n2\terreur d'usage"},
};

const size_t cli_command_count = sizeof cli_commands / sizeof cli_commands[0];
