#!/usr/bin/env bash
# Peak memory and wall time of `load`, `compare` and `export` for long sessions, measured with
# /usr/bin/time -v on the release binary (see benches/README.md, "Memory of long sessions").
#
#   cargo build --release && benches/memory.sh            # 10k, 100k and 1M commands
#   SIZES="10000 100000" benches/memory.sh                # fewer
#
# Two sessions: "adds", N adds of new elements on replica A of an OR-Set (the state grows with
# every command: the worst case for snapshots and tables), and "mixed", the lab benchmark's mix
# over an ORSWOT of 4 replicas and 64 elements (40% adds, 30% removes, 20% merges, 10% syncs).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CRDT_LAB:-target/release/crdt-lab}
sizes=${SIZES:-10000 100000 1000000}
sessions=${SESSIONS:-adds mixed}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# A saved session of N commands, as `save` writes it.
session() {
    awk -v n="$2" -v kind="$1" 'BEGIN {
        printf "{\n  \"format\": \"crdt-lab session\",\n  \"version\": 1,\n  \"commands\": [\n"
        seed = 12345
        for (k = 0; k < n; k++) {
            if (kind == "adds") {
                line = "A add e" k
            } else if (k == 0) {
                line = "new orswot A B C D"
            } else {
                seed = (seed * 1103515245 + 12345) % 2147483648; r = int(seed / 65536) % 4
                seed = (seed * 1103515245 + 12345) % 2147483648; s = (r + 1 + int(seed / 65536) % 3) % 4
                seed = (seed * 1103515245 + 12345) % 2147483648; e = int(seed / 65536) % 64
                seed = (seed * 1103515245 + 12345) % 2147483648; pick = int(seed / 65536) % 10
                R = substr("ABCD", r + 1, 1); S = substr("ABCD", s + 1, 1)
                if (pick < 4) line = R " add e" e
                else if (pick < 7) line = R " remove e" e
                else if (pick < 9) line = R " merge " S
                else if (e % 2 == 0) line = "sync"
                else line = "sync " R " " S
            }
            printf "    \"%s\"%s\n", line, (k + 1 < n ? "," : "")
        }
        printf "  ],\n  \"position\": %d\n}\n", n
    }'
}

printf '| session | commands | work | peak memory | wall time |\n|---|---:|---|---:|---:|\n'
for kind in $sessions; do
    for n in $sizes; do
        file="$dir/$kind-$n.json"
        session "$kind" "$n" > "$file"
        for work in load compare "export md" "export json"; do
            script="load $file"
            case $work in
                load) ;;
                compare) script="$script"$'\n'"compare" ;;
                *) script="$script"$'\n'"$work $dir/out" ;;
            esac
            printf '%s\n' "$script" | /usr/bin/time -v "$bin" repl > /dev/null 2> "$dir/time"
            rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f MB", $2 / 1024 }' "$dir/time")
            wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$dir/time")
            printf '| %s | %s | %s | %s | %s |\n' "$kind" "$n" "$work" "$rss" "$wall"
        done
    done
done
