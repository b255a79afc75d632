# The Debian package: `cpack -G DEB` in the build tree makes one .deb (the
# program, the library, its header, the rule library, seeds, schemas, man
# page, completion) whose dependencies dpkg-shlibdeps computed; its files
# are where `cmake --install` puts them below /usr. Unpacked, and with the
# source tree hidden, its program imports the packaged seeds, checks a
# project and lists the trace from another directory. As root on a machine
# where eligo is not already installed (CI), the package is installed for
# real with `apt-get install ./eligo_*.deb`, used the same way, then removed.
source "$(dirname "$0")/lib.sh"
: "${ELIGO_BUILD_DIR:?ELIGO_BUILD_DIR must point at the build directory}"
if [[ -n ${ELIGO_TEST_DB:-} ]]; then
    echo "skipped under test_trace_replay_all: its decisions are in a private store"
    finish
fi
if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
    echo "skipped: cpack, dpkg-deb or dpkg-shlibdeps missing (scripts/install-deps.sh installs dpkg-dev)"
    finish
fi
unset ELIGO_RULES

run cpack -G DEB -B "$WORK/deb" --config "$ELIGO_BUILD_DIR/CPackConfig.cmake"
assert_eq 0 "$RC" "cpack -G DEB ($ERR)"
deb=$(ls "$WORK"/deb/eligo_*.deb 2>/dev/null | head -1)
assert_eq yes "$([[ -f $deb ]] && echo yes || echo no)" "one .deb made ($OUT)"

run dpkg-deb -f "$deb" Package Depends
assert_contains "$OUT" "Package: eligo" "the package's name"
for lib in liblua5.4-0 libsqlite3-0 libcyaml1 libyaml-0-2 libjansson4 libssl3; do
    assert_contains "$OUT" "$lib" "depends on $lib (dpkg-shlibdeps)"
done
run dpkg-deb -c "$deb"
for f in ./usr/bin/eligo ./usr/include/eligo/eligo.h ./usr/share/eligo/rules/lib/init.lua \
    ./usr/share/eligo/seeds/projects/centres-sociaux-connectes-2018.yaml \
    ./usr/share/eligo/schemas/project.schema.json ./usr/share/man/man1/eligo.1 \
    ./usr/share/bash-completion/completions/eligo; do
    assert_contains "$OUT" " $f" "packaged $f"
done
assert_contains "$OUT" "/pkgconfig/eligo.pc" "packaged the pkg-config file"
assert_contains "$OUT" "/libeligo.so" "packaged the library"
assert_not_contains "$OUT" "$SRC" "no packaged path names the source tree"

# Unpacked, from another directory, with the source tree hidden.
run dpkg-deb -x "$deb" "$WORK/root"
assert_eq 0 "$RC" "dpkg-deb -x ($ERR)"
cat >"$WORK/use.sh" <<'SCRIPT'
# use.sh PROGRAM SHARE TAG: init, import the packaged seeds, check, list; outputs in $WORK/TAG.*
set -u
mkdir -p "$WORK/$3.dir"
cd "$WORK/$3.dir"
export ELIGO_DB=$WORK/$3.dir/eligo.db
step() {
    local name=$1
    shift
    "$@" >"$WORK/$TAG.$name.out" 2>"$WORK/$TAG.$name.err"
    echo $? >"$WORK/$TAG.$name.rc"
}
TAG=$3
echo "$(ls -A "$SRC" | wc -l)" >"$WORK/$TAG.src_entries"
step init "$1" init
step import "$1" import "$2/seeds"
step check "$1" check centres-sociaux-connectes-2018
step list "$1" trace list --format csv
step help "$1" help check
SCRIPT
export WORK SRC
hidden() { without_source "$WORK/use.sh" "$@"; } # PROGRAM SHARE TAG
used() { # TAG WHAT
    local t=$1
    u() { cat "$WORK/$t.$1.$2"; }
    if can_hide_source; then
        assert_eq 0 "$(cat "$WORK/$t.src_entries")" "$2: the source tree is hidden"
    fi
    assert_eq 0 "$(u init rc)" "$2: init ($(u init err))"
    assert_eq 0 "$(u import rc)" "$2: import of the packaged seeds ($(u import err))"
    assert_eq 0 "$(u check rc)" "$2: check ($(u check err))"
    assert_contains "$(u check out)" "ÉLIGIBLE" "$2: the decision is printed"
    assert_contains "$(u check out)" "rules/calls/mel-strategie-digitale-2018.lua" "$2: with its trace"
    assert_eq 3 "$(u list out | wc -l)" "$2: trace list, the header and the project's two decisions"
    assert_contains "$(u help out)" "usage : eligo check PROJET" "$2: help, in French"
}
hidden "$WORK/root/usr/bin/eligo" "$WORK/root/usr/share/eligo" unpacked
used unpacked "unpacked"

# Installed for real, where that changes nothing else: as root, with apt-get,
# and no eligo package installed before.
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null &&
    [[ $(dpkg-query -W -f='${Status}' eligo 2>/dev/null) != *"ok installed"* ]] &&
    [[ ${ELIGO_SANITIZE:-OFF} != ON ]]; then
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb"
    assert_eq 0 "$RC" "apt-get install ./eligo_*.deb ($ERR)"
    assert_eq /usr/bin/eligo "$(type -P eligo)" "eligo on the PATH"
    hidden /usr/bin/eligo /usr/share/eligo installed
    used installed "installed"
    run env DEBIAN_FRONTEND=noninteractive apt-get remove -y --purge eligo
    assert_eq 0 "$RC" "apt-get remove eligo ($ERR)"
    assert_eq no "$([[ -e /usr/bin/eligo ]] && echo yes || echo no)" "removed"
else
    echo "note: the package is not installed system-wide here (not root, no apt-get, eligo already" \
        "installed, or a sanitizer build)"
fi
finish
