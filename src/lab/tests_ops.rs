//! Unit tests of op-based sync, links, per-replica rules, the mistakes and `set`: every type
//! delivered out of order, duplicated and relayed ends where state sync ends.

use super::*;
use crate::crdt::{Edit, Elem, Mistake, RemoveUnseen, Stamp, TieBreak};

fn names(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_string).collect()
}
fn new(kind: Kind, replicas: &str) -> Command {
    Command::New {
        kind,
        replicas: names(replicas),
    }
}
fn edit(replica: &str, add: bool, elem: &str) -> Command {
    let e = Elem::parse(elem);
    Command::Edit {
        replica: replica.into(),
        edit: if add { Edit::Add(e) } else { Edit::Remove(e) },
        at: None,
    }
}
fn add(r: &str, e: &str) -> Command {
    edit(r, true, e)
}
fn remove(r: &str, e: &str) -> Command {
    edit(r, false, e)
}
fn send(from: &str, to: &str) -> Command {
    Command::Send {
        from: from.into(),
        to: to.into(),
    }
}
fn deliver(n: usize) -> Command {
    Command::Deliver(Which::Number(n))
}
fn cut(a: &str, b: &str) -> Command {
    Command::Cut(a.into(), b.into())
}
fn option(setting: Setting, replicas: &str) -> Command {
    Command::Option {
        setting,
        replicas: names(replicas),
    }
}
fn ops_mode() -> Command {
    option(Setting::Sync(SyncMode::Ops), "")
}
fn run(commands: Vec<Command>) -> Lab {
    let mut lab = Lab::new();
    for c in commands {
        let _ = lab.run(c);
    }
    lab
}
fn visible(lab: &Lab, replica: &str) -> String {
    let r = lab.world().replica(replica);
    r.map(|r| r.set.visible().to_string()).unwrap_or_default()
}
fn states(lab: &Lab) -> Vec<(String, String)> {
    let each = lab.world().replicas.iter();
    each.map(|r| (r.name.to_string(), format!("{:?}", r.set.describe())))
        .collect()
}

/// The relay: home and phone never meet, work carries milk across.
#[test]
fn work_relays_milk_from_home_to_phone() {
    let mut lab = run(vec![
        new(Kind::OrSet, "home work phone"),
        cut("home", "phone"),
        ops_mode(),
        add("home", "milk"),
        send("home", "work"),
        Command::Deliver(Which::All),
        send("work", "phone"),
        Command::Deliver(Which::All),
    ]);
    assert_eq!(visible(&lab, "phone"), "{milk}");
    let refused = lab.run(Command::Sync(Some(("home".into(), "phone".into()))));
    assert!(
        refused
            .unwrap_err()
            .rule
            .contains("the link between home and phone is cut")
    );
    assert_eq!(
        lab.world().replica("phone").map(|r| r.ops.applied.len()),
        Ok(1)
    );
}

/// The edits of the story, the same in both runs: A adds x and y and removes x, B adds z, C adds w.
fn story(kind: Kind) -> Vec<Command> {
    vec![
        new(kind, "A B C"),
        cut("A", "C"),
        add("A", "x"),
        add("A", "y"),
        send("A", "B"),
        Command::Duplicate(1),
        remove("A", "x"),
        send("A", "B"),
        add("B", "z"),
        add("C", "w"),
    ]
}

/// Every type, op by op: #3 (A's remove) reaches B before #1 and #2 (its adds, one of them a
/// duplicate), and C hears of A's ops only through B. Each replica ends where a state sync ends.
#[test]
fn ops_out_of_order_duplicated_and_relayed_end_where_state_sync_ends() {
    for &kind in Kind::ALL.iter().filter(|k| **k != Kind::Naive) {
        let mut ops = vec![ops_mode()];
        ops.extend(story(kind));
        ops.extend([deliver(3), deliver(2), deliver(1)]);
        ops.extend([send("B", "C"), deliver(4), send("C", "B"), deliver(5)]);
        ops.extend([send("B", "A"), deliver(6)]);
        let by_ops = run(ops);
        let mut state = story(kind);
        state.push(Command::Sync(None));
        let by_state = run(state);
        assert_eq!(states(&by_ops), states(&by_state), "{kind:?}");
        let waiting = by_ops.world().replicas.iter().map(|r| r.ops.waiting.len());
        assert_eq!(
            waiting.sum::<usize>(),
            0,
            "{kind:?}: nothing is left waiting"
        );
        let deliveries: Vec<_> = by_ops
            .log()
            .iter()
            .flat_map(|e| &e.applied.deliveries)
            .collect();
        let duplicates = deliveries
            .iter()
            .flat_map(|d| &d.ops)
            .filter(|o| o.outcome == Outcome::Duplicate);
        assert_eq!(duplicates.count(), 2, "{kind:?}: #1 repeats #2's two ops");
        let relayed = by_ops.world().replica("C").map(|r| r.ops.applied.len());
        let made = if kind == Kind::GSet { 4 } else { 5 };
        assert_eq!(relayed, Ok(made), "{kind:?}: C has every op, A's through B");
    }
}

/// The naive set is not a CRDT: in order it ends where a state sync ends, but a remove that
/// overtakes its add does nothing, and the add then brings the element back.
#[test]
fn the_naive_set_ends_where_state_sync_ends_only_in_order() {
    let in_order = |first: usize, second: usize| {
        let mut ops = vec![ops_mode()];
        ops.extend(story(Kind::Naive));
        ops.extend([deliver(first), deliver(second), deliver(3)]);
        ops.extend([send("B", "C"), deliver(4), send("C", "B"), deliver(5)]);
        ops.extend([send("B", "A"), deliver(6)]);
        run(ops)
    };
    let mut state = story(Kind::Naive);
    state.push(Command::Sync(None));
    assert_eq!(states(&in_order(1, 2)), states(&run(state)));
    let mut reordered = vec![ops_mode()];
    reordered.extend(story(Kind::Naive));
    reordered.extend([deliver(3), deliver(1)]);
    let lab = run(reordered);
    assert_eq!(visible(&lab, "B"), "{x, y, z}", "x came back on B");
    assert_eq!(visible(&lab, "A"), "{y}");
}

#[test]
fn an_orswot_op_waits_for_the_dot_it_drops_and_explain_says_so() {
    let lab = run(vec![
        ops_mode(),
        new(Kind::Orswot, "A B C"),
        add("A", "x"),
        send("A", "C"),
        send("A", "B"),
        deliver(2),
        remove("B", "x"),
        send("B", "C"),
        deliver(3),
    ]);
    let c = lab.world().find("C").unwrap();
    assert_eq!(lab.world().replicas[c].ops.waiting.len(), 1);
    let why = lab.world().explain(c, &Elem::parse("x"));
    assert!(
        why.contains("remove x {a1} (from B) is waiting: it drops {a1}"),
        "{why}"
    );
    let view = lab.view();
    assert_eq!(view.replicas[c].waiting[0].0, "remove x {a1}");
    let mut lab = lab;
    let applied = lab.run(deliver(1)).unwrap();
    let outcomes: Vec<&Outcome> = applied.deliveries[0]
        .ops
        .iter()
        .map(|o| &o.outcome)
        .collect();
    assert_eq!(outcomes, [&Outcome::Applied, &Outcome::Released]);
    assert_eq!(visible(&lab, "C"), "{}");
}

#[test]
fn messages_of_ops_show_each_op_and_its_size() {
    let lab = run(vec![
        ops_mode(),
        add("A", "x"),
        remove("A", "x"),
        send("A", "B"),
    ]);
    let m = &lab.view().wire[0];
    let ops: Vec<(&str, usize)> = m.ops.iter().map(|o| (o.op.as_str(), o.bytes)).collect();
    assert_eq!(ops[0].0, "add x a1");
    assert_eq!(ops[1].0, "remove x {a1}");
    assert_eq!(m.bytes, ops[0].1 + ops[1].1);
    assert!(ops.iter().all(|(_, n)| *n > 20), "{ops:?}");
}

#[test]
fn switching_sync_modes_is_refused_while_it_would_lose_something() {
    let mut lab = run(vec![add("A", "x")]);
    let err = lab.run(ops_mode()).unwrap_err();
    assert!(err.rule.contains("starts from empty replicas"), "{err}");
    assert_eq!(lab.world().sync, SyncMode::State);
    let mut lab = run(vec![ops_mode(), add("A", "x"), send("A", "B")]);
    assert!(lab.run(option(Setting::Sync(SyncMode::State), "")).is_err());
    lab.run(Command::Deliver(Which::All)).unwrap();
    lab.run(option(Setting::Sync(SyncMode::State), "")).unwrap();
    let clock = option(Setting::Clock(ClockMode::Wall), "A");
    assert!(lab.run(clock).unwrap_err().rule.contains("whole lab"));
}

#[test]
fn links_are_not_transitive_and_a_bare_sync_relays() {
    let mut lab = run(vec![
        new(Kind::OrSet, "home work phone"),
        Command::Partition(vec![names("work phone"), names("phone home")]),
        add("home", "x"),
    ]);
    assert_eq!(lab.view().cuts, [("home".into(), "work".into())]);
    assert!(lab.view().groups.is_empty(), "no clean sides");
    assert!(
        lab.run(Command::Merge {
            into: "work".into(),
            from: "home".into()
        })
        .is_err()
    );
    let applied = lab.run(Command::Sync(None)).unwrap();
    assert_eq!(visible(&lab, "work"), "{x}", "phone relayed x");
    assert!(
        applied.notes[0].contains("cut: home–work"),
        "{:?}",
        applied.notes
    );
    assert!(lab.run(cut("home", "home")).is_err());
    let again = lab.run(Command::Cut("home".into(), "work".into())).unwrap();
    assert!(again.notes[0].contains("already cut"));
    lab.run(Command::Link("work".into(), "home".into()))
        .unwrap();
    assert!(lab.view().cuts.is_empty());
    let twice = lab.run(Command::Partition(vec![names("home home"), names("work")]));
    assert!(twice.unwrap_err().rule.contains("named twice on one side"));
}

/// Seed 002 §8: replicas with different tie-breaks read the same stamps differently, forever.
#[test]
fn replicas_with_different_tie_breaks_never_converge() {
    let at = |r: &str, add: bool| Command::Edit {
        replica: r.into(),
        edit: if add {
            Edit::Add(Elem::parse("x"))
        } else {
            Edit::Remove(Elem::parse("x"))
        },
        at: Some(Box::new(Stamp::at(5))),
    };
    let mut lab = run(vec![
        new(Kind::Lww, "A B"),
        option(Setting::TieBreak(TieBreak::RemoveWins), "B"),
        at("A", true),
        at("B", false),
    ]);
    for _ in 0..3 {
        lab.run(Command::Sync(None)).unwrap();
        assert_eq!(
            (visible(&lab, "A"), visible(&lab, "B")),
            ("{x}".into(), "{}".into())
        );
    }
    assert_eq!(lab.view().tiebreak, "mixed");
    let why = lab.world().explain(1, &Elem::parse("x"));
    assert!(
        why.contains("@5 and remove @5 tie, and the tie-break is remove-wins"),
        "{why}"
    );
    assert!(why.contains("(A add-wins, B remove-wins)"), "{why}");
}

/// The bug in seed 002's own simulation: a re-add that reuses its tombstoned tag is lost at the sync.
#[test]
fn reuse_tags_loses_a_re_add_after_sync() {
    let mut lab = run(vec![
        option(Setting::Mistake(Mistake::ReuseTags), ""),
        add("A", "x"),
        remove("A", "x"),
        add("A", "x"),
    ]);
    assert_eq!(visible(&lab, "A"), "{x}", "it looks re-added");
    assert_eq!(lab.view().mistake.as_deref(), Some("reuse-tags"));
    lab.run(Command::Sync(None)).unwrap();
    assert_eq!(
        (visible(&lab, "A"), visible(&lab, "B")),
        ("{}".into(), "{}".into())
    );
    lab.run(option(Setting::Mistake(Mistake::None), ""))
        .unwrap();
    assert_eq!(lab.view().mistake, None);
}

#[test]
fn merge_one_side_leaves_the_removes_behind() {
    let mut lab = run(vec![
        new(Kind::TwoPSet, "A B"),
        add("A", "x"),
        Command::Sync(None),
        option(Setting::Mistake(Mistake::MergeOneSide), "A"),
        remove("A", "x"),
        send("A", "B"),
    ]);
    assert_eq!(lab.view().mistake.as_deref(), Some("merge-one-side on A"));
    assert_eq!(
        lab.view().wire[0].payload[1].value.to_string(),
        "{}",
        "no tombstones shipped"
    );
    lab.run(Command::Deliver(Which::All)).unwrap();
    lab.run(Command::Sync(None)).unwrap();
    assert_eq!(
        (visible(&lab, "A"), visible(&lab, "B")),
        ("{}".into(), "{x}".into())
    );
}

#[test]
fn the_map_is_written_directly_and_only_upwards() {
    let set = |removed: bool| Command::Set {
        replica: "alice".into(),
        elem: Elem::parse("1"),
        removed,
    };
    let mut lab = run(vec![new(Kind::TwoPSet, "alice bob"), set(true)]);
    let alice = lab.world().replica("alice").unwrap();
    assert_eq!(alice.set.field("map").unwrap().to_string(), "{1: true}");
    let err = lab.run(set(false)).unwrap_err();
    assert!(
        err.rule.starts_with("non-monotonic update: true → false"),
        "{err}"
    );
    let mut lab = run(vec![new(Kind::OrSet, "alice"), set(false)]);
    assert_eq!(
        lab.history()[1]
            .refused
            .as_ref()
            .map(|r| r.rule.contains("2P-Set's map")),
        Some(true)
    );
    let _ = lab.run(option(Setting::RemoveUnseen(RemoveUnseen::Accept), ""));
    assert!(lab.history()[2].applied.notes[0].contains("2P-Set rule"));
}

#[test]
fn gc_drops_the_tombstones_every_replica_holds_and_a_stale_message_brings_x_back() {
    let mut lab = run(vec![
        add("A", "x"),
        send("A", "B"),
        remove("A", "x"),
        Command::Sync(None),
    ]);
    let applied = lab.run(Command::Gc).unwrap();
    assert_eq!(applied.changed().collect::<Vec<_>>(), ["A", "B"]);
    assert!(applied.notes[0].contains("still in flight"));
    lab.run(Command::Deliver(Which::All)).unwrap();
    assert_eq!(
        visible(&lab, "B"),
        "{x}",
        "the zombie the ORSWOT's clock prevents"
    );
    let mut lab = run(vec![new(Kind::Orswot, "A B")]);
    assert!(
        lab.run(Command::Gc)
            .unwrap_err()
            .rule
            .contains("keeps none")
    );
}

/// One step of a random op-based history: `pick` chooses what, `n` a message number.
fn random_step(pick: u8, r: usize, s: usize, n: usize) -> Command {
    let (r, s) = (["A", "B", "C"][r % 3], ["A", "B", "C"][s % 3]);
    let e = ["x", "y"][n % 2];
    match pick % 10 {
        0..=2 => add(r, e),
        3 | 4 => remove(r, e),
        5 | 6 => send(r, s),
        7 => Command::Deliver(Which::Number(1 + n)),
        8 => Command::Deliver(Which::Oldest),
        _ => Command::Duplicate(1 + n),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever order ops arrive in, duplicated or relayed, once everything is delivered and a
    /// sync has run, nothing waits and every CRDT type has converged.
    #[test]
    fn random_op_histories_settle_and_converge(
        steps in proptest::collection::vec((0u8..10, 0usize..3, 0usize..3, 0usize..8), 0..40),
        k in 0usize..6,
    ) {
        let kind = [Kind::GSet, Kind::TwoPSet, Kind::Lww, Kind::OrSet, Kind::Orswot, Kind::PnSet][k];
        let mut commands = vec![ops_mode(), new(kind, "A B C"), cut("A", "C")];
        commands.extend(steps.iter().map(|&(p, r, s, n)| random_step(p, r, s, n)));
        let mut lab = run(commands);
        lab.run(Command::Heal).unwrap();
        while !lab.world().wire.is_empty() {
            lab.run(Command::Deliver(Which::All)).unwrap();
        }
        lab.run(Command::Sync(None)).unwrap();
        let waiting: usize = lab.world().replicas.iter().map(|r| r.ops.waiting.len()).sum();
        proptest::prop_assert_eq!(waiting, 0);
        proptest::prop_assert!(lab.world().converged(), "{:?}", states(&lab));
    }
}
