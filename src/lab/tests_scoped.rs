//! Unit tests of recording a change from the touched elements only: for every command, on every
//! type, under every rule and in both sync modes, each replica's recorded change is exactly what
//! comparing its whole state before and after shows.

use super::*;
use crate::crdt::{Delta, Edit, Elem, Mistake, RemoveUnseen, TieBreak};

const NAMES: [&str; 3] = ["A", "B", "C"];

/// One command from a few numbers: edits, merges, syncs, messages and rules.
fn command(what: u8, r: usize, s: usize, e: u8) -> Command {
    let (name, other) = (NAMES[r].to_string(), NAMES[(r + 1 + s % 2) % 3].to_string());
    let elem = Elem::parse(&format!("e{e}"));
    let edit = |edit| Command::Edit {
        replica: name.clone(),
        edit,
        at: None,
    };
    let rule = |setting| Command::Option {
        setting,
        replicas: vec![name.clone()],
    };
    match what {
        0..=3 => edit(Edit::Add(elem)),
        4 | 5 => edit(Edit::Remove(elem)),
        6 | 7 => Command::Merge {
            into: name,
            from: other,
        },
        8 => Command::Sync(Some((name, other))),
        9 => Command::Sync(None),
        10 => Command::Send {
            from: name,
            to: other,
        },
        11 => Command::Deliver(Which::All),
        12 => rule(Setting::Mistake(match e % 3 {
            0 => Mistake::None,
            1 => Mistake::ReuseTags,
            _ => Mistake::MergeOneSide,
        })),
        13 => rule(Setting::TieBreak(match e % 2 {
            0 => TieBreak::AddWins,
            _ => TieBreak::RemoveWins,
        })),
        _ => rule(Setting::RemoveUnseen(match e % 2 {
            0 => RemoveUnseen::Refuse,
            _ => RemoveUnseen::Accept,
        })),
    }
}

/// What a user could see of a world: each replica's fields and elements.
pub(super) fn whole(world: &World) -> Vec<(Vec<crate::crdt::Field>, crate::crdt::Value)> {
    let each = world.replicas.iter();
    each.map(|r| (r.set.describe(), r.set.visible())).collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn every_command_records_the_change_that_comparing_whole_states_shows(
        kind in proptest::sample::select(crate::crdt::Kind::ALL.to_vec()),
        ops_mode in proptest::bool::ANY,
        steps in proptest::collection::vec((0..15u8, 0..3usize, 0..2usize, 0..5u8), 1..60),
    ) {
        let names: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
        let mut world = World::fresh(kind, &names);
        if ops_mode {
            world.apply(&Command::Option {
                setting: Setting::Sync(SyncMode::Ops),
                replicas: vec![],
            }).unwrap();
        }
        for (what, r, s, e) in steps {
            let command = command(what, r, s, e);
            let before = whole(&world);
            if let Ok(applied) = world.apply(&command) {
                let after = whole(&world);
                for (k, name) in NAMES.iter().enumerate() {
                    let (b, a) = (&before[k], &after[k]);
                    let full = Delta::between(&b.0, &a.0, &b.1, &a.1);
                    let recorded = applied.delta(name).cloned().unwrap_or_default();
                    proptest::prop_assert_eq!(recorded, full, "{} on {}", command, name);
                }
            }
        }
    }
}
