#!/bin/sh
# Run crdt-lab's node under Maelstrom, which starts a node binary with no arguments.
#   cargo build --release
#   maelstrom test -w g-set --bin assets/maelstrom-node.sh --node-count 3 --time-limit 20 --rate 10
# CRDT_LAB overrides the binary (default: target/release/crdt-lab in this repository);
# GOSSIP_MS overrides the gossip period (default 1000 ms).
here=$(cd "$(dirname "$0")/.." && pwd)
exec "${CRDT_LAB:-$here/target/release/crdt-lab}" node --type gset --protocol maelstrom \
    --gossip-ms "${GOSSIP_MS:-1000}"
