#!/usr/bin/env bash
# The comparative benchmark of issue 10 (item 4), in one command:
#
#   bench/run.sh [--build DIR] [--work DIR] [--keep] [--alter PEER] [N...]
#
# For each N (default 10000 100000 1000000), in one run on the same N
# synthetic projects of ../shared/BENCH.md (bench/gen.c, fixed seed):
#   1. generation: the YAML documents for eligo and the same projects as JSON
#      Lines for the peers (eligo_bench_gen);
#   2. eligo's import: `eligo import` of the documents into a new store;
#   3. eligo's evaluate-and-store: `eligo batch bench-reference --jobs 1` and
#      `--jobs 2` on copies of that store when the binary has the command,
#      else the in-process evaluation of eligo_bench_store --evaluate (one
#      job); the table says which ran;
#   4. the floor: the same SQLite rows read in a bare C loop calling one
#      trivial Lua function per project (eligo_bench_floor);
#   5. the peers (bench/peers, installed with npm from its lockfile):
#      json-rules-engine and GoRules zen-engine running the same reference
#      call R1-R8 with their traces on, each trace written to a file;
#   6. every decision of every engine compared with eligo's, project by
#      project (same outcome, same failed rules); eligo's are read back from
#      its store. Any difference fails the run (exit 1) and is printed.
# Then one table: projects/s, peak RSS, the ratios and the issue's targets.
#
# Rates: documents/s of `eligo import` and projects/s of `eligo batch` are
# over the whole command (wall clock, start-up included); the in-process
# evaluation, the floor and the peers time their own loop (start-up and
# engine construction excluded, which only favours them). Peak RSS is the
# largest process's maximum resident set (GNU time, from wait4).
#
# --build DIR   eligo's build directory (default: build/ of the source tree)
# --work DIR    where the runs' files go (default: $TMPDIR or /tmp); each N
#               takes about 10 KB a project (documents, stores, traces)
# --keep        keep each N's directory (else removed once measured)
# --alter PEER  run PEER (json-rules-engine or zen-engine) with rule R5's cap
#               one cent lower: the comparison must then fail (the ctest
#               bench/peers_smoke checks that it does)
# Needs node and npm (scripts/install-deps.sh --with-bench), GNU time
# (/usr/bin/time, Debian package time), sqlite3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
work="${TMPDIR:-/tmp}"
keep=0
alter=""
sizes=()
while (($#)); do
    case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --alter) alter="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *)
        if [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
            sizes+=("$1")
            shift
        else
            echo "bench/run.sh: unknown argument $1 (see --help)" >&2
            exit 2
        fi
        ;;
    esac
done
((${#sizes[@]})) || sizes=(10000 100000 1000000)
case "$alter" in "" | json-rules-engine | zen-engine) ;; *)
    echo "bench/run.sh: --alter takes json-rules-engine or zen-engine, not $alter" >&2
    exit 2
    ;;
esac

die() {
    echo "bench/run.sh: $*" >&2
    exit 1
}

eligo="$build/eligo"
gen="$build/bench/eligo_bench_gen"
floor="$build/bench/eligo_bench_floor"
store_bench="$build/bench/eligo_bench_store"
decisions="$build/bench/eligo_bench_decisions"
for b in "$eligo" "$gen" "$floor" "$store_bench" "$decisions"; do
    [[ -x "$b" ]] || die "$b is missing: build first (scripts/build.sh $build)"
done
command -v node >/dev/null && command -v npm >/dev/null ||
    die "node and npm are missing: scripts/install-deps.sh --with-bench installs them"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (Debian package time; scripts/install-deps.sh --with-bench)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (scripts/install-deps.sh)"

peers_dir="$root/bench/peers"
peers=(json-rules-engine zen-engine)
# The peers' packages as locked (exact versions in package.json too);
# installed again only when the lockfile changed since the last install.
# `npm install --no-save` rather than `npm ci`: the lockfile can only record
# the platform builds of zen-engine that the registry serves here (Linux
# x64), and npm ci refuses a lockfile that lacks the others.
if [[ ! -f "$peers_dir/node_modules/.package-lock.json" ||
    "$peers_dir/package-lock.json" -nt "$peers_dir/node_modules/.package-lock.json" ]]; then
    echo "== installing the peers (npm install in bench/peers)" >&2
    (cd "$peers_dir" && npm install --no-save --no-audit --no-fund --loglevel=error) >&2 ||
        die "npm install failed in $peers_dir"
fi

# The help is read whole first: grep -q stops at its match, and under
# pipefail the program's SIGPIPE would make the test fail.
help_text=$("$eligo" help 2>&1 || true)
if grep -Eq '^  batch( |$)' <<<"$help_text"; then
    mode=batch
else
    mode=inprocess
fi

# Runs a command under GNU time: sets wall and cpu (user + system seconds)
# and rss (KiB). ok_codes: the exit codes taken as success (`eligo batch`,
# like check, may exit 1 when some decision is ineligible).
ok_codes="0"
timed() {
    local log=$1
    shift
    local t="$log.time" rc=0 user sys
    /usr/bin/time -f '%x %e %U %S %M' -o "$t" "$@" >"$log" 2>"$log.err" || rc=$?
    if [[ " $ok_codes " != *" $rc "* ]]; then
        echo "bench/run.sh: failed (exit $rc): $*" >&2
        tail -20 "$log.err" >&2
        exit 1
    fi
    # GNU time prefixes "Command exited with non-zero status N" when rc != 0.
    read -r _ wall user sys rss < <(tail -1 "$t")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
}

# eligo's decisions for the call, as `project outcome R1,R4` (`-` when no
# rule failed), in project order; failed rules are named by the part of
# their id before the dash (R5-materiel -> R5). Read through the engine
# (bench/decisions.c): records are stored compressed (store migration 10)
# and may name their rules by position in their ruleset.
eligo_decisions() {
    "$decisions" "$1" bench-reference >"$2"
}

# Compares decision file $2 (engine $1) with eligo's ($3): sets verdict.
failed_any=0
compare() {
    local name=$1 file=$2 ref=$3 n=$4
    local lines
    lines=$(wc -l <"$file")
    if [[ "$lines" -ne "$n" ]]; then
        echo "bench/run.sh: DECISIONS DIFFER: $name gave $lines decisions for $n projects" >&2
        verdict="DIFFER"
        failed_any=1
        return
    fi
    if cmp -s "$file" "$ref"; then
        verdict="equal"
        return
    fi
    local count
    count=$(diff "$ref" "$file" | grep -c '^>' || true)
    {
        echo "bench/run.sh: DECISIONS DIFFER: $name disagrees with eligo on $count of $n projects;"
        echo "the first ones (eligo < > $name):"
        diff "$ref" "$file" | head -12 || true
    } >&2
    verdict="DIFFER ($count)"
    failed_any=1
}

# A work directory named but missing is made, rather than failing later
# on the first file written into it.
mkdir -p "$work" || die "cannot make the work directory $work"
rows="$work/eligo-bench-rows.$$"
: >"$rows"
# row N ENGINE RATE RSS_KIB WALL VERDICT, with the last command's CPU time
# and the number of items it handled ($items, else N).
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$cpu" "${items:-$1}" >>"$rows"; }

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //' || echo unknown)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
echo "== machine: $(nproc) cores, $cpu_model, $mem; load average $load_start" >&2
echo "== eligo: $("$eligo" --version 2>&1 | head -1), build $build," \
    "evaluation by $([[ $mode == batch ]] && echo '`eligo batch`' || echo 'eligo_bench_store --evaluate (no `batch` command in this binary)')" >&2

for n in "${sizes[@]}"; do
    dir=$(mktemp -d "$work/eligo-bench-$n-XXXXXX")
    t0=$(date +%s)
    echo "== N = $n in $dir" >&2

    echo "   generating" >&2
    timed "$dir/gen.log" "$gen" "$dir" "$n"
    row "$n" "generation (YAML + JSON Lines, eligo_bench_gen)" \
        "$(awk -v n="$n" -v w="$wall" 'BEGIN {print (w > 0 ? n / w : 0)}')" "$rss" "$wall" ""

    # The generator leaves its files dirty in the page cache: written out
    # while the import runs, they cost it a fourth at 100 000 (14 971
    # against 22 300 to 25 600 documents/s for the same import after a
    # sync). They are flushed first, outside every timed step.
    sync
    echo "   eligo import" >&2
    timed "$dir/import.log" "$eligo" --db "$dir/base.db" --rules "$dir/rules" import "$dir/docs"
    docs=$((n + 8))
    grep -q "^$docs document(s) lu(s), $docs nouvelle(s) version(s) enregistrée(s)" "$dir/import.log" ||
        die "import of N = $n: $(tail -1 "$dir/import.log")"
    items=$docs
    row "$n" "eligo import (documents/s)" \
        "$(awk -v n="$docs" -v w="$wall" 'BEGIN {print (w > 0 ? n / w : 0)}')" "$rss" "$wall" ""
    items=""

    echo "   floor" >&2
    timed "$dir/floor.log" "$floor" "$dir/base.db" bench-reference
    read -r _ count seconds <"$dir/floor.log"
    [[ "$count" -eq "$n" ]] || die "floor read $count projects of $n"
    row "$n" "floor (rows read, 1 trivial Lua call each)" \
        "$(awk -v n="$n" -v s="$seconds" 'BEGIN {print n / s}')" "$rss" "$wall" ""

    ref=""
    if [[ $mode == batch ]]; then
        for jobs in 1 2; do
            echo "   eligo batch --jobs $jobs" >&2
            cp "$dir/base.db" "$dir/batch-$jobs.db"
            ok_codes="0 1"
            timed "$dir/batch-$jobs.log" "$eligo" --db "$dir/batch-$jobs.db" --rules "$dir/rules" \
                batch bench-reference --jobs "$jobs"
            ok_codes="0"
            eligo_decisions "$dir/batch-$jobs.db" "$dir/eligo-$jobs.dec"
            rate=$(awk -v n="$n" -v w="$wall" 'BEGIN {print (w > 0 ? n / w : 0)}')
            if [[ -z "$ref" ]]; then
                ref="$dir/eligo-$jobs.dec"
                lines=$(wc -l <"$ref")
                [[ "$lines" -eq "$n" ]] || die "eligo batch stored $lines decisions for $n projects"
                verdict="reference"
            else
                compare "eligo batch --jobs $jobs" "$dir/eligo-$jobs.dec" "$ref" "$n"
            fi
            row "$n" "eligo batch --jobs $jobs (traces stored)" "$rate" "$rss" "$wall" "$verdict"
            [[ $keep == 1 ]] || rm -f "$dir/batch-$jobs.db"
        done
    else
        echo "   eligo evaluate and store (in process, 1 job)" >&2
        cp "$dir/base.db" "$dir/bench.db"
        timed "$dir/eval.log" "$store_bench" --evaluate "$dir" "$n"
        read -r _ count seconds _ <"$dir/eval.log"
        [[ "$count" -eq "$n" ]] || die "in-process evaluation decided $count projects of $n"
        ref="$dir/eligo-1.dec"
        eligo_decisions "$dir/bench.db" "$ref"
        lines=$(wc -l <"$ref")
        [[ "$lines" -eq "$n" ]] || die "eligo stored $lines decisions for $n projects"
        row "$n" "eligo in process, 1 job (traces stored; no batch command)" \
            "$(awk -v n="$n" -v s="$seconds" 'BEGIN {print n / s}')" "$rss" "$wall" "reference"
        [[ $keep == 1 ]] || rm -f "$dir/bench.db"
    fi

    for peer in "${peers[@]}"; do
        echo "   $peer" >&2
        extra=()
        [[ "$peer" == "$alter" ]] && extra=(--alter R5)
        timed "$dir/$peer.log" node "$peers_dir/$peer.js" "$dir/projects.jsonl" \
            "$dir/$peer.dec" "$dir/$peer.traces" "${extra[@]}"
        read -r engine count seconds < <(node -e '
            const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim());
            console.log(r.engine.replace(/ /g, "_"), r.count, r.seconds);' "$dir/$peer.log")
        compare "$peer" "$dir/$peer.dec" "$ref" "$n"
        label="${engine//_/ } (trace on)"
        [[ "$peer" == "$alter" ]] && label="$label, R5 ALTERED"
        row "$n" "$label" "$(awk -v n="$n" -v s="$seconds" 'BEGIN {print n / s}')" \
            "$rss" "$wall" "$verdict"
        [[ $keep == 1 ]] || rm -f "$dir/$peer.traces"
    done
    echo "   N = $n measured in $(($(date +%s) - t0)) s" >&2
    if [[ $keep == 1 ]]; then
        echo "   kept $dir" >&2
    else
        rm -rf "$dir"
    fi
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
total=$(($(date +%s) - started))

# The table, then the ratios against the issue's targets.
awk -F '\t' -v cores="$(nproc)" -v cpu="$cpu_model" -v mem="$mem" -v l0="$load_start" -v l1="$load_end" \
    -v total="$total" -v mode="$mode" '
function grp(x,    s, tail) {
    s = sprintf("%.0f", x); tail = ""
    while (length(s) > 3) { tail = " " substr(s, length(s) - 2) tail; s = substr(s, 1, length(s) - 3) }
    return s tail
}
function ratio(a, b) { return b > 0 ? sprintf("%.3g", a / b) : "n/a" }
{
    n = $1; if (!(n in seen)) { seen[n] = 1; order[++count] = n }
    lines[n]++
    line[n, lines[n]] = sprintf("  %-58s %12s %10s %10.1f MiB %9.2f s  %s", $2, grp($3), ($7 > 0 ? grp($8 / $7) : "-"), $4 / 1024, $5, $6)
    if ($2 ~ /^eligo batch --jobs 2/ || (mode != "batch" && $2 ~ /^eligo in process/)) eligo[n] = $3
    if ($2 ~ /^floor/) floor[n] = $3
    if ($2 ~ /\(trace on/ && ($3 + 0) > (peer[n] + 0)) { peer[n] = $3; peername[n] = $2 }
}
END {
    printf "machine: %d cores, %s, %s; load average %s at the start, %s at the end (other agents share it); %d s in all\n", cores, cpu, mem, l0, l1, total
    for (i = 1; i <= count; i++) {
        n = order[i]
        printf "\nN = %s projects\n  %-58s %12s %10s %14s %11s  %s\n", grp(n), "engine", "per second", "per CPU-s", "peak RSS", "time", "decisions"
        for (k = 1; k <= lines[n]; k++) print line[n, k]
        sub(/ \(trace on.*/, "", peername[n])
        label = (mode == "batch") ? "eligo batch on 2 jobs" : "eligo in process on 1 job (no batch command)"
        printf "  %s: %s projects/s (target >= 100 000: %s)\n", label, grp(eligo[n]), (eligo[n] >= 100000 ? "met" : "NOT met")
        printf "  eligo / faster peer (%s): %s (target >= 10: %s)\n", peername[n], ratio(eligo[n], peer[n]), ((peer[n] > 0 && eligo[n] >= 10 * peer[n]) ? "met" : "NOT met")
        printf "  eligo / floor: %s (the gap that remains)\n", ratio(eligo[n], floor[n])
    }
}' "$rows"
rm -f "$rows"

if ((failed_any)); then
    echo "bench/run.sh: FAILED: some engine's decisions differ from eligo's (see above)" >&2
    exit 1
fi
echo "every engine's decisions equal eligo's, project by project"
