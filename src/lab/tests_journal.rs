//! Unit tests of merges that carry only what changed (`lab::journal`): on every type, under
//! every rule and in both sync modes, a lab that merges in part ends every command with the
//! same replicas, and reports the same change, as a lab that always merges whole states.

use super::tests_scoped::whole as seen;
use super::*;
use crate::crdt::{Edit, Elem, Mistake};

const NAMES: [&str; 4] = ["A", "B", "C", "D"];

/// One command from a few numbers: edits, merges both ways, syncs, messages, gc and mistakes.
fn command(what: u8, r: usize, s: usize, e: u8) -> Command {
    let (name, other) = (NAMES[r].to_string(), NAMES[(r + 1 + s) % 4].to_string());
    let elem = Elem::parse(&format!("e{e}"));
    let edit = |edit| Command::Edit {
        replica: name.clone(),
        edit,
        at: None,
    };
    match what {
        0..=4 => edit(Edit::Add(elem)),
        5..=7 => edit(Edit::Remove(elem)),
        8..=11 => Command::Merge {
            into: name,
            from: other,
        },
        12 => Command::Sync(Some((name, other))),
        13 => Command::Sync(None),
        14 => Command::Send {
            from: name,
            to: other,
        },
        15 => Command::Deliver(Which::All),
        16 => Command::Gc,
        17 => Command::Partition(vec![vec![name], vec![other]]),
        18 => Command::Heal,
        _ => Command::Option {
            setting: Setting::Mistake(match e % 2 {
                0 => Mistake::None,
                _ => Mistake::ReuseTags,
            }),
            replicas: vec![name],
        },
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    #[test]
    fn merging_only_what_changed_equals_merging_whole_states(
        kind in proptest::sample::select(crate::crdt::Kind::ALL.to_vec()),
        ops_mode in proptest::bool::ANY,
        mistakes in proptest::bool::ANY,
        steps in proptest::collection::vec((0..20u8, 0..4usize, 0..3usize, 0..6u8), 1..120),
    ) {
        let names: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
        let mut part = World::fresh(kind, &names);
        if ops_mode {
            part.apply(&Command::Option {
                setting: Setting::Sync(SyncMode::Ops),
                replicas: vec![],
            }).unwrap();
        }
        let mut whole = part.clone();
        whole.whole_merges = true;
        for (what, r, s, e) in steps {
            let what = if mistakes { what } else { what % 19 };
            let command = command(what, r, s, e);
            let (a, b) = (part.apply(&command), whole.apply(&command));
            proptest::prop_assert_eq!(&a, &b, "{}", command);
            proptest::prop_assert_eq!(seen(&part), seen(&whole), "after {}", command);
        }
    }
}

/// After two replicas met, a merge looks only at what changed since, on every type (the naive
/// set too): a merge of one new element into 2,000 carries that element alone, and the
/// replicas still agree whole.
#[test]
fn a_merge_after_replicas_met_carries_only_what_changed() {
    for kind in crate::crdt::Kind::ALL.iter().copied() {
        let names: Vec<String> = NAMES[..2].iter().map(|n| n.to_string()).collect();
        let mut world = World::fresh(kind, &names);
        for n in 0..2000 {
            let add = Edit::Add(Elem::Int(n));
            world.apply(&command_edit("A", add)).unwrap();
        }
        world
            .apply(&Command::Sync(Some(("A".into(), "B".into()))))
            .unwrap();
        world
            .apply(&command_edit("A", Edit::Add(Elem::parse("new"))))
            .unwrap();
        let part = world.part_to_take(1, 0);
        assert_eq!(part, Some(vec![Elem::parse("new")]), "{kind:?}");
        let applied = world.apply(&command_merge("B", "A")).unwrap();
        assert_eq!(applied.changed().collect::<Vec<_>>(), ["B"], "{kind:?}");
        let (a, b) = (&world.replicas[0].set, &world.replicas[1].set);
        assert!(a.same_state(b) && a.same_elements(b), "{kind:?}");
    }
}

fn command_edit(replica: &str, edit: Edit) -> Command {
    Command::Edit {
        replica: replica.into(),
        edit,
        at: None,
    }
}

fn command_merge(into: &str, from: &str) -> Command {
    Command::Merge {
        into: into.into(),
        from: from.into(),
    }
}

/// The ORSWOT's case that needs a merge to note every element it carried, changed or not: B
/// takes A's remove of `e` without ever having held `e`, so only B's clock changes; C, which
/// holds `e`, must still drop it when it takes B's state, as a whole merge would.
#[test]
fn a_remove_passed_on_by_a_replica_that_never_held_the_element_still_reaches_the_third() {
    let names: Vec<String> = ["A", "B", "C"].iter().map(|n| n.to_string()).collect();
    let mut world = World::fresh(crate::crdt::Kind::Orswot, &names);
    let sync = |a: &str, b: &str| Command::Sync(Some((a.into(), b.into())));
    let e = || Elem::parse("e");
    for command in [
        sync("A", "B"),
        sync("B", "C"),
        command_edit("A", Edit::Add(e())),
        command_merge("C", "A"),
        command_edit("A", Edit::Remove(e())),
        command_merge("B", "A"),
    ] {
        world.apply(&command).unwrap();
    }
    assert!(!world.replicas[1].set.contains(&e()), "B never held e");
    assert_eq!(
        world.part_to_take(2, 1),
        Some(vec![e()]),
        "C takes e from B"
    );
    world.apply(&command_merge("C", "B")).unwrap();
    assert!(
        !world.replicas[2].set.contains(&e()),
        "B's clock covers A's add of e, and B lacks it: C drops e"
    );
}
