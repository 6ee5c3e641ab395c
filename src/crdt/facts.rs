//! What the comparison table of seed 002 (§4) says about each type, property by property. The
//! lab's `compare` sets these beside the numbers of the history at hand.

use super::Kind;

/// The properties, in the seed table's order: (row name, the question it answers).
pub const PROPERTIES: &[&str] = &[
    "supports remove?",
    "can re-add after remove?",
    "concurrent add + remove: who wins",
    "needs synchronized clocks?",
    "can silently lose a user's write?",
    "metadata cost",
    "merge",
    "typical use",
];

/// The types the seed table compares, in its order.
pub const SEED_TYPES: &[Kind] = &[Kind::GSet, Kind::TwoPSet, Kind::Lww, Kind::OrSet];

impl Kind {
    /// One cell per property, in `PROPERTIES` order.
    pub fn facts(self) -> [&'static str; 8] {
        match self {
            Kind::GSet => [
                "no",
                "n/a",
                "n/a",
                "no",
                "no",
                "tiny: just the elements",
                "union",
                "dedup log, \"ever seen\"",
            ],
            Kind::TwoPSet => [
                "yes",
                "never: the tombstone is permanent",
                "remove wins (the tombstone, forever)",
                "no",
                "only the re-add",
                "grows: the add-set plus tombstones, forever",
                "union of each of the two sets",
                "revoked-id list, ban list",
            ],
            Kind::Lww => [
                "yes",
                "yes: a newer add stamp wins",
                "the bigger stamp (a tie goes to the tie-break)",
                "yes, or logical clocks",
                "yes: clock skew",
                "moderate: two stamps per element",
                "max of each stamp, element by element",
                "last-known status field",
            ],
            Kind::OrSet => [
                "yes",
                "yes: a fresh tag",
                "add wins, always",
                "no",
                "no",
                "higher: a tag per add, plus tombstones in this basic form",
                "union of live tags, then apply the removes",
                "cart, friends, tags, flags",
            ],
            Kind::Orswot => [
                "yes",
                "yes: a fresh dot",
                "add wins, always",
                "no",
                "no",
                "live dots plus one clock entry per replica",
                "keep a dot unless the other side has seen it and dropped it",
                "the OR-Set's uses, with less to store",
            ],
            Kind::PnSet => [
                "yes",
                "only once the count is back above 0",
                "depends on the counts: removes can push it below 0",
                "no",
                "yes: an add after concurrent removes does nothing",
                "two counts per element per replica",
                "max of each replica's counts",
                "none: the OR-Set does its job better",
            ],
            Kind::Naive => [
                "locally",
                "yes",
                "the add: a remove leaves no trace",
                "no",
                "yes: every remove that meets a replica still holding the element",
                "just the elements",
                "union",
                "none: it is not a CRDT",
            ],
        }
    }
}
