#!/usr/bin/env bash
# Installs the Debian 12 packages eligo needs to build and test, and only
# those that are missing (apt-get runs only when something is missing).
# Usage: scripts/install-deps.sh [--with-browser] [--with-bench]
# --with-browser adds Debian's chromium, which the test suite needs to render
# a decision's HTML page and the applicant's letter headless and print them
# to PDF, and poppler-utils to read the PDFs back (scripts/test.sh passes it).
# --with-bench adds what bench/run.sh and its smoke test need: GNU time (node
# and npm are installed for the JSON Schema test anyway).
set -euo pipefail

# lua5.4 provides luac5.4, whose bytecode listing `eligo lint` reads; clang is
# the second compiler scripts/test.sh builds with.
packages=(gcc clang make cmake pkg-config git
          liblua5.4-dev lua5.4 libsqlite3-dev libcyaml-dev libyaml-dev libjansson-dev libssl-dev
          libmsgpack-dev libzstd-dev libcsv-dev libmimalloc-dev
          libcmocka-dev jq sqlite3
          man-db groff-base dpkg-dev gettext)
# man-db and groff-base: test_install.sh renders eligo(1); dpkg-dev: `cpack -G DEB`
# computes the package's dependencies with dpkg-shlibdeps; gettext: test_i18n.sh checks
# po/fr.po with msgfmt and the sources' msgids with xgettext and msgcmp.
# nodejs and npm run the JSON Schema test (tests/tools: Ajv from its lockfile); a nodejs
# package that ships its own npm needs no npm package.
packages+=(nodejs)
if ! command -v npm >/dev/null; then
    packages+=(npm)
fi
for arg in "$@"; do
    case "$arg" in
    --with-browser) packages+=(chromium poppler-utils) ;; # poppler-utils: pdftotext, pdfinfo, pdftoppm
    --with-bench) packages+=(time) ;;
    *)
        echo "usage: scripts/install-deps.sh [--with-browser] [--with-bench]" >&2
        exit 2
        ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
