//! Unit tests of the lab: the log, undo and redo, snapshots, the network and the limits.

use super::*;
use crate::crdt::{Edit, Elem};

fn edit(replica: &str, add: bool, elem: &str) -> Command {
    let e = Elem::parse(elem);
    let edit = if add { Edit::Add(e) } else { Edit::Remove(e) };
    Command::Edit {
        replica: replica.into(),
        edit,
        at: None,
    }
}
fn merge(into: &str, from: &str) -> Command {
    Command::Merge {
        into: into.into(),
        from: from.into(),
    }
}
fn visible(lab: &Lab, replica: &str) -> String {
    lab.world()
        .replica(replica)
        .map(|r| r.set.visible().to_string())
        .unwrap_or_default()
}

#[test]
fn undo_redo_and_a_new_command_after_undo() {
    let mut lab = Lab::new();
    lab.run(edit("A", true, "x")).unwrap();
    lab.run(edit("A", true, "y")).unwrap();
    assert_eq!(
        lab.undo().map(|e| e.command.to_string()),
        Some("A add y".into())
    );
    assert_eq!(visible(&lab, "A"), "{x}");
    lab.redo();
    assert_eq!(visible(&lab, "A"), "{x, y}");
    lab.undo();
    lab.run(edit("A", true, "z")).unwrap();
    assert_eq!(visible(&lab, "A"), "{x, z}");
    assert!(lab.redo().is_none(), "a new command drops what was undone");
    lab.reset();
    assert_eq!(visible(&lab, "A"), "{}");
    lab.redo();
    assert_eq!(visible(&lab, "A"), "{x}");
}

#[test]
fn undo_steps_over_refused_commands_to_the_last_change() {
    let mut lab = Lab::new();
    lab.run(Command::New {
        kind: crate::crdt::Kind::GSet,
        replicas: vec!["A".into()],
    })
    .unwrap();
    lab.run(edit("A", true, "x")).unwrap();
    assert!(lab.run(edit("A", false, "x")).is_err());
    assert_eq!(lab.history().len(), 3, "the refusal is logged, marked");
    assert!(lab.history()[2].refused.is_some());
    assert_eq!(
        lab.undo().map(|e| e.command.to_string()),
        Some("A add x".into())
    );
    assert_eq!(visible(&lab, "A"), "{}");
}

/// A long history where every position, reached by goto from snapshots, equals a straight fold.
#[test]
fn goto_from_snapshots_equals_a_straight_fold() {
    let mut lab = Lab::new();
    let mut straight = vec![World::default().view()];
    for k in 0..(SNAPSHOT_EVERY * 3 + 5) {
        let r = ["A", "B"][k % 2];
        let command = match k % 5 {
            0 | 1 => edit(r, true, &format!("e{}", k % 7)),
            2 => edit(r, false, &format!("e{}", k % 3)),
            3 => merge(r, ["B", "A"][k % 2]),
            _ => Command::Sync(None),
        };
        let _ = lab.run(command);
        straight.push(lab.world().view());
    }
    for position in [
        0,
        1,
        SNAPSHOT_EVERY - 1,
        SNAPSHOT_EVERY,
        SNAPSHOT_EVERY + 1,
        2 * SNAPSHOT_EVERY + 7,
        straight.len() - 1,
    ] {
        lab.goto(position);
        assert_eq!(
            lab.world().view(),
            straight[position],
            "position {position}"
        );
    }
}

#[test]
fn a_merge_across_a_partition_is_refused_and_changes_nothing() {
    let mut lab = Lab::new();
    lab.run(edit("B", true, "x")).unwrap();
    lab.run(Command::Partition(vec![vec!["A".into()], vec!["B".into()]]))
        .unwrap();
    let err = lab.run(merge("A", "B")).unwrap_err();
    assert!(
        err.rule.contains("different sides of the partition A | B"),
        "{err}"
    );
    assert_eq!(visible(&lab, "A"), "{}");
    lab.run(Command::Heal).unwrap();
    lab.run(merge("A", "B")).unwrap();
    assert_eq!(visible(&lab, "A"), "{x}");
}

#[test]
fn messages_wait_in_flight_and_a_duplicate_delivery_is_harmless() {
    let mut lab = Lab::new();
    assert!(
        lab.run(Command::Deliver(Which::Oldest))
            .unwrap_err()
            .rule
            .contains("nothing is in flight")
    );
    lab.run(edit("A", true, "x")).unwrap();
    lab.run(Command::Send {
        from: "A".into(),
        to: "B".into(),
    })
    .unwrap();
    lab.run(edit("A", false, "x")).unwrap();
    lab.run(Command::Duplicate(1)).unwrap();
    lab.run(Command::Partition(vec![vec!["A".into()], vec!["B".into()]]))
        .unwrap();
    assert!(
        lab.run(Command::Deliver(Which::All)).is_err(),
        "both messages are held by the partition"
    );
    assert_eq!(lab.world().wire.len(), 2);
    lab.run(Command::Heal).unwrap();
    lab.run(Command::Deliver(Which::Number(2))).unwrap();
    assert_eq!(
        visible(&lab, "B"),
        "{x}",
        "B gets the old snapshot, from before A's remove"
    );
    lab.run(Command::Deliver(Which::Oldest)).unwrap();
    assert_eq!(visible(&lab, "B"), "{x}", "the duplicate changes nothing");
    assert!(lab.world().wire.is_empty());
}

#[test]
fn a_bare_sync_merges_only_within_each_side() {
    let mut lab = Lab::new();
    lab.run(Command::New {
        kind: crate::crdt::Kind::OrSet,
        replicas: vec!["A".into(), "B".into(), "C".into()],
    })
    .unwrap();
    lab.run(edit("A", true, "x")).unwrap();
    lab.run(edit("C", true, "y")).unwrap();
    let applied = lab.run(Command::Partition(vec![vec!["A".into(), "B".into()]]));
    assert!(applied.is_err(), "one side is not a partition");
    let applied = lab
        .run(Command::Partition(vec![vec!["A".into()], vec!["B".into()]]))
        .unwrap();
    assert!(applied.notes[0].contains("C not named"));
    lab.run(Command::Partition(vec![
        vec!["A".into(), "B".into()],
        vec!["C".into()],
    ]))
    .unwrap();
    lab.run(Command::Sync(None)).unwrap();
    assert_eq!(visible(&lab, "B"), "{x}");
    assert_eq!(visible(&lab, "C"), "{y}");
    assert!(!lab.world().converged());
}

#[test]
fn limits_are_refused_with_a_reason() {
    let mut lab = Lab::new();
    let many: Vec<String> = (0..27).map(|k| format!("R{k}")).collect();
    let kind = crate::crdt::Kind::OrSet;
    assert!(
        lab.run(Command::New {
            kind,
            replicas: many
        })
        .unwrap_err()
        .rule
        .contains("1 to 26")
    );
    let twins = vec!["a".to_string(), "A".to_string()];
    assert!(
        lab.run(Command::New {
            kind,
            replicas: twins
        })
        .unwrap_err()
        .rule
        .contains("ignoring case")
    );
    let long = "x".repeat(MAX_ELEM + 1);
    assert!(
        lab.run(edit("A", true, &long))
            .unwrap_err()
            .rule
            .contains("at most 64")
    );
    assert_eq!(lab.world().names(), ["A", "B"], "nothing changed");
}

#[test]
fn compare_replays_the_history_on_every_type() {
    let mut lab = Lab::new();
    for c in [
        edit("A", true, "x"),
        Command::Sync(None),
        edit("A", false, "x"),
        edit("B", true, "x"),
        Command::Sync(None),
    ] {
        lab.run(c).unwrap();
    }
    let rows = lab.compare();
    assert_eq!(rows.len(), crate::crdt::Kind::ALL.len());
    let of = |kind: &str| rows.iter().find(|c| c.kind == kind).unwrap();
    assert_eq!(of("2pset").finals[0].1.to_string(), "{}");
    assert_eq!(of("orset").finals[0].1.to_string(), "{x}");
    assert_eq!(
        of("gset").refused,
        vec![("A remove x".to_string(), of("gset").refused[0].1.clone())]
    );
}

#[test]
fn the_table_has_a_row_per_command_or_per_step() {
    let mut lab = Lab::new();
    lab.run(edit("A", true, "x")).unwrap();
    lab.run(Command::Sync(None)).unwrap();
    let steps: Vec<String> = lab.table()[0].rows.iter().map(|r| r.step.clone()).collect();
    assert_eq!(steps, ["start", "A add x", "sync"]);
    lab.run(Command::Step("A removes x".into())).unwrap();
    lab.run(edit("A", false, "x")).unwrap();
    let tables = lab.table();
    let rows = &tables[0].rows;
    let steps: Vec<&str> = rows.iter().map(|r| r.step.as_str()).collect();
    assert_eq!(
        steps,
        ["start", "A removes x"],
        "commands before the first step set up the start row"
    );
    assert_eq!(rows[0].cells, ["{x: {a1}} / {}", "{x: {a1}} / {}"]);
    assert_eq!(rows[1].happened, "A remove x");
}

#[test]
fn a_delivery_carries_the_lamport_clock_of_the_moment_it_was_sent() {
    let mut lab = Lab::new();
    lab.run(Command::New {
        kind: crate::crdt::Kind::Lww,
        replicas: vec!["A".into(), "B".into()],
    })
    .unwrap();
    lab.run(edit("A", true, "x")).unwrap();
    lab.run(Command::Send {
        from: "A".into(),
        to: "B".into(),
    })
    .unwrap();
    for elem in ["p", "q", "r"] {
        lab.run(edit("A", true, elem)).unwrap();
    }
    lab.run(Command::Deliver(Which::Oldest)).unwrap();
    lab.run(edit("B", true, "y")).unwrap();
    let adds = lab
        .world()
        .replica("B")
        .ok()
        .and_then(|r| r.set.field("adds"));
    assert_eq!(
        adds.map(|v| v.to_string()).as_deref(),
        Some("{x: 1@A, y: 2@B}"),
        "B caught up with A's clock at send time (1), not A's clock now (4)"
    );
}

proptest::proptest! {
    /// What an edit changed is worked out from the edited element's fields alone; it must be
    /// exactly what comparing the whole states before and after says, on every type.
    #[test]
    fn an_edit_records_the_change_that_comparing_whole_states_shows(
        kind in proptest::sample::select(crate::crdt::Kind::ALL.to_vec()),
        steps in proptest::collection::vec((0..3usize, 0..4u8, 0..4u8), 1..40),
    ) {
        let names = ["A".to_string(), "B".to_string(), "C".to_string()];
        let mut world = World::fresh(kind, &names);
        for (r, what, e) in steps {
            let (name, other) = (&names[r], &names[(r + 1) % 3]);
            let command = match what {
                0 | 1 => edit(name, true, &format!("e{e}")),
                2 => edit(name, false, &format!("e{e}")),
                _ => merge(name, other),
            };
            let whole = |w: &World| (w.replicas[r].set.describe(), w.replicas[r].set.visible());
            let before = whole(&world);
            if let Ok(applied) = world.apply(&command) {
                let after = whole(&world);
                let full = crate::crdt::Delta::between(&before.0, &after.0, &before.1, &after.1);
                let recorded = applied.delta(name).cloned().unwrap_or_default();
                proptest::prop_assert_eq!(recorded, full, "{}", command);
            }
        }
    }
}

/// Snapshots of a big world are spaced by its size; every position still comes back exactly,
/// going forward and back, and after a new command cuts the log short.
#[test]
fn goto_over_snapshots_spaced_by_size_equals_a_straight_fold() {
    let positions = [
        2_999, 17, 1_500, 1_501, 2_400, 3_000, 0, 2_999, 1_000, 1_234,
    ];
    let mut lab = Lab::new();
    let mut straight = std::collections::BTreeMap::from([(0, lab.view())]);
    for k in 0..3_000 {
        let command = match k % 50 {
            49 => merge("B", "A"),
            _ => edit("A", true, &format!("e{k}")),
        };
        lab.run(command).unwrap();
        if positions.contains(&(k + 1)) {
            straight.insert(k + 1, lab.view());
        }
    }
    assert!(
        lab.snapshots.len() < 3_000 / SNAPSHOT_EVERY,
        "spaced by size"
    );
    for position in positions {
        lab.goto(position);
        assert_eq!(lab.view(), straight[&position], "at {position}");
    }
    lab.goto(1_234);
    lab.run(edit("B", true, "late")).unwrap();
    assert!(lab.snapshots.iter().all(|s| s.position <= 1_235));
    lab.goto(0);
    lab.goto(1_234);
    assert_eq!(lab.view(), straight[&1_234]);
}

/// The log keeps each string element once, and what a command did reads back from its entry
/// as `run` answered it, whether it was kept (a change, a note) or was nothing at all.
#[test]
fn the_log_shares_elements_and_keeps_what_each_command_did() {
    let mut lab = Lab::new();
    lab.run(Command::New {
        kind: Kind::Orswot,
        replicas: vec!["A".into(), "B".into()],
    })
    .unwrap();
    let answers: Vec<Applied> = [
        edit("A", true, "x"),
        edit("B", false, "x"),
        edit("A", true, "x"),
        merge("B", "A"),
        edit("A", true, "7"),
    ]
    .into_iter()
    .map(|c| lab.run(c).unwrap())
    .collect();
    let entries = &lab.history()[1..];
    for (entry, answer) in entries.iter().zip(&answers) {
        assert_eq!(*entry.applied, *answer, "{}", entry.command);
    }
    assert!(!entries[1].applied.notes.is_empty(), "the note is kept");
    let elem = |k: usize| match &entries[k].command {
        Command::Edit {
            edit: Edit::Add(Elem::Str(s)) | Edit::Remove(Elem::Str(s)),
            ..
        } => s.clone(),
        other => panic!("not an edit of a string: {other}"),
    };
    assert!(std::sync::Arc::ptr_eq(&elem(0), &elem(1)));
    assert!(std::sync::Arc::ptr_eq(&elem(0), &elem(2)));
}

/// Two bare syncs that meet the same group share one record of it in the log, and each still
/// reads back the group it met.
#[test]
fn entries_that_did_the_same_share_one_record() {
    let mut lab = Lab::new();
    lab.run(Command::New {
        kind: Kind::Orswot,
        replicas: vec!["A".into(), "B".into()],
    })
    .unwrap();
    lab.set_recording(false);
    let first = lab.run(Command::Sync(None)).unwrap();
    lab.run(edit("A", true, "x")).unwrap();
    let second = lab.run(Command::Sync(None)).unwrap();
    lab.set_recording(true);
    let third = lab.run(Command::Sync(None)).unwrap();
    assert!(!first.met.is_empty());
    assert_eq!(
        first, second,
        "unrecorded, both syncs met A and B and changed nothing"
    );
    assert_ne!(second, third, "recorded, the third sync carries x to B");
    let [one, two, three] = [1, 3, 4].map(|k| &lab.history()[k].applied);
    assert_eq!([&**one, &**two, &**three], [&first, &second, &third]);
    let same = |a: &Kept, b: &Kept| match (&a.0, &b.0) {
        (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
        _ => false,
    };
    assert!(same(one, two), "the same record, shared");
    assert!(!same(two, three), "a different one, kept apart");
}

/// The `k`th command of a lab like the lab benchmark's: four replicas of an ORSWOT over 64
/// elements, 40% adds, 30% removes, 20% merges and 10% syncs, in a fixed order.
fn steady(k: usize) -> Command {
    let names = ["A", "B", "C", "D"];
    if k == 0 {
        return Command::New {
            kind: Kind::Orswot,
            replicas: names.iter().map(|n| (*n).into()).collect(),
        };
    }
    let (r, e) = (names[k % 4], format!("e{}", (k * 37) % 64));
    match (k / 4) % 10 {
        0..=3 => edit(r, true, &e),
        4..=6 => edit(r, false, &e),
        7 | 8 => merge(r, names[(k + 1 + (k / 40) % 3) % 4]),
        _ => Command::Sync(None),
    }
}

/// How many entries a jump to `position` replays: those after the nearest snapshot before it.
fn replayed_to(lab: &Lab, position: usize) -> usize {
    let k = lab.snapshots.partition_point(|s| s.position <= position);
    position - lab.snapshots[k - 1].position
}

/// Wherever the head of a long history is, an undo from it (and the next few) replays at most
/// about one world's size of entries; a jump far back at most `SNAPSHOT_SPACING` world sizes;
/// and the snapshots still hold about one piece per `SNAPSHOT_SPACING` commands, so a long
/// session's undo costs little memory.
#[test]
fn undo_near_the_head_replays_at_most_one_world_size_and_the_old_snapshots_stay_sparse() {
    let n = 20_000;
    let mut lab = Lab::new();
    let mut size = 0;
    for k in 0..n {
        let _ = lab.run(steady(k));
        size = lab.world().size();
        let near = SNAPSHOT_EVERY.max(size + size / 4);
        for back in [1, 2, 10, 2 * size] {
            let Some(position) = lab.position().checked_sub(back) else {
                continue;
            };
            let replayed = replayed_to(&lab, position);
            assert!(replayed <= near, "{replayed} replayed {back} back from {k}");
        }
    }
    let far = SNAPSHOT_EVERY.max((size + size / 4) * SNAPSHOT_SPACING);
    for position in (0..n).step_by(97) {
        let replayed = replayed_to(&lab, position);
        assert!(replayed <= far, "{replayed} replayed to {position}");
    }
    let held = lab.snapshot_size();
    let budget = n / SNAPSHOT_SPACING + (DENSE_SNAPSHOTS + 2) * size;
    assert!(
        held <= budget,
        "the snapshots hold {held} pieces, over {budget}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Wherever undo, redo, a jump and new commands after them take a lab with a long history
    /// (many snapshots, thinned as they age), it is the world the history in effect made when
    /// it ran, on every type.
    #[test]
    fn undo_redo_and_goto_land_where_the_history_ran_to(
        kind in proptest::sample::select(Kind::ALL.to_vec()),
        steps in proptest::collection::vec((0..50u8, 0..3usize, 0..24u8, 0..2_000usize), 200..1_200),
    ) {
        let names = ["A", "B", "C"];
        let mut lab = Lab::new();
        let new = Command::New { kind, replicas: names.iter().map(|n| (*n).into()).collect() };
        lab.run(new).unwrap();
        // The world after each position of the log, as running the commands made it.
        let mut ran = vec![World::default().view(), lab.world().view()];
        for (what, r, e, to) in steps {
            let (name, other, e) = (names[r], names[(r + 1) % 3], format!("e{e}"));
            let command = match what {
                0..=15 => Some(edit(name, true, &e)),
                16..=27 => Some(edit(name, false, &e)),
                28..=35 => Some(merge(name, other)),
                36..=39 => Some(Command::Sync(None)),
                40..=43 => {
                    lab.undo();
                    None
                }
                44 | 45 => {
                    lab.redo();
                    None
                }
                // A look back, then on from where the lab was.
                46..=48 => {
                    let back = lab.position();
                    lab.goto(to % (lab.log().len() + 1));
                    proptest::prop_assert_eq!(&lab.world().view(), &ran[lab.position()]);
                    lab.goto(back);
                    None
                }
                _ => {
                    lab.goto(to % (lab.log().len() + 1));
                    None
                }
            };
            if let Some(command) = command {
                let at = lab.position();
                let _ = lab.run(command);
                ran.truncate(at + 1);
                ran.push(lab.world().view());
            }
            proptest::prop_assert_eq!(&lab.world().view(), &ran[lab.position()]);
        }
    }
}
