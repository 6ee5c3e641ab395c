//! `explore`: every order of delivering the messages in flight (and, when asked, dropping or
//! duplicating them), with identical states merged as it goes, so that eight messages stay
//! cheap. The answer is the distinct final states, each with one schedule that leads there.

use super::{Command, Which, World};
use crate::crdt::{Refusal, Value};
use std::collections::{BTreeMap, HashMap};

/// The most messages in flight `explore` takes on (with drops or duplicates: fewer).
pub const MAX_IN_FLIGHT: usize = 12;
/// With drops or duplicates, the branching grows: at most this many messages then.
pub const MAX_IN_FLIGHT_FAULTS: usize = 7;
/// The most distinct states one exploration visits before it gives up.
pub const MAX_STATES: usize = 100_000;

/// What may happen to a message besides its delivery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    pub drops: bool,
    pub duplicates: bool,
}

/// One move of a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Deliver(usize),
    /// The message is lost: it never arrives. (A loss changes no replica, so a schedule's
    /// losses are all put at its end.)
    Drop(usize),
    /// The message arrives and a copy of it stays on the wire, to arrive again later or be lost.
    Duplicate(usize),
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Choice::Deliver(n) => write!(f, "deliver {n}"),
            Choice::Drop(n) => write!(f, "drop {n}"),
            Choice::Duplicate(n) => write!(f, "deliver {n} keeping a copy"),
        }
    }
}

/// One distinct final state: each replica's visible elements, the messages left stuck on cut
/// links, and the first schedule found that ends there.
#[derive(Clone, Debug, PartialEq)]
pub struct Ending {
    pub states: Vec<(String, Value)>,
    pub stuck: Vec<usize>,
    pub schedule: Vec<Choice>,
    /// Do all replicas hold the same state?
    pub converged: bool,
}

impl Ending {
    /// The schedule as lab commands (a loss has none: its message just never arrives, and
    /// stays in flight).
    pub fn commands(&self) -> Vec<Command> {
        let each = self.schedule.iter().flat_map(|c| match c {
            Choice::Deliver(n) => vec![Command::Deliver(Which::Number(*n))],
            Choice::Duplicate(n) => {
                vec![Command::Duplicate(*n), Command::Deliver(Which::Number(*n))]
            }
            Choice::Drop(_) => vec![],
        });
        each.collect()
    }
}

/// What `explore` found.
#[derive(Clone, Debug, PartialEq)]
pub struct Exploration {
    pub in_flight: usize,
    pub faults: Faults,
    pub endings: Vec<Ending>,
    /// Distinct states visited (identical states merged).
    pub visited: usize,
    /// States a walk of every schedule, one by one, would visit.
    pub unmerged: u128,
}

/// Explore every schedule of the messages in flight from `world`.
pub fn explore(world: &World, faults: Faults) -> Result<Exploration, Refusal> {
    let in_flight = world.wire.len();
    if in_flight == 0 {
        return Err(Refusal::new(
            "nothing is in flight to explore; `send A B` puts a message on the wire",
        ));
    }
    let most = match faults.drops || faults.duplicates {
        true => MAX_IN_FLIGHT_FAULTS,
        false => MAX_IN_FLIGHT,
    };
    if in_flight > most {
        return Err(Refusal::new(format!(
            "explore takes at most {most} messages in flight{}, and {in_flight} are; deliver some first",
            if most == MAX_IN_FLIGHT {
                ""
            } else {
                " with drops or duplicates"
            }
        )));
    }
    let mut walk = Walk {
        faults,
        seen: HashMap::new(),
        endings: vec![],
        finals: HashMap::new(),
    };
    let start = Node {
        world: world.clone(),
        copies: BTreeMap::new(),
    };
    let unmerged = walk.visit(start, &mut vec![])?;
    Ok(Exploration {
        in_flight,
        faults,
        endings: walk.endings,
        visited: walk.seen.len(),
        unmerged,
    })
}

/// A state of the walk: the world, and for each copy made by a duplicate the message it copies
/// (each message is duplicated at most once, and a copy is not duplicated again).
#[derive(Clone)]
struct Node {
    world: World,
    /// Copy number → the number of the message it copies.
    copies: BTreeMap<usize, usize>,
}

struct Walk {
    faults: Faults,
    /// Each state's key, with how many states a walk without merging visits from it.
    seen: HashMap<String, u128>,
    endings: Vec<Ending>,
    /// Final states' keys, with their place in `endings`.
    finals: HashMap<String, usize>,
}

impl Walk {
    fn visit(&mut self, node: Node, schedule: &mut Vec<Choice>) -> Result<u128, Refusal> {
        let key = key(&node);
        if let Some(&n) = self.seen.get(&key) {
            return Ok(n);
        }
        if self.seen.len() >= MAX_STATES {
            return Err(Refusal::new(format!(
                "explore stopped after {MAX_STATES} distinct states; deliver some messages first"
            )));
        }
        let mut total = 1u128;
        let mut moved = false;
        for (choice, next) in self.moves(&node) {
            moved = true;
            schedule.push(choice);
            total = total.saturating_add(self.visit(next, schedule)?);
            schedule.pop();
        }
        if self.faults.drops && !node.world.wire.is_empty() {
            // Every message still in flight may be lost from here on.
            let mut lost = node.world.clone();
            let dropped = lost.wire.drain(..).map(|m| Choice::Drop(m.number));
            let schedule: Vec<Choice> = schedule.iter().copied().chain(dropped).collect();
            self.end(&lost, &schedule);
        }
        if !moved {
            self.end(&node.world, schedule);
        }
        self.seen.insert(key, total);
        Ok(total)
    }

    /// Every move from a node, with the node it leads to.
    fn moves(&self, node: &Node) -> Vec<(Choice, Node)> {
        let mut out = vec![];
        for m in &node.world.wire {
            let n = m.number;
            let mut world = node.world.clone();
            if world.replay(&Command::Deliver(Which::Number(n))).is_ok() {
                let copies = node.copies.clone();
                out.push((Choice::Deliver(n), Node { world, copies }));
            }
            let copied = node.copies.contains_key(&n) || node.copies.values().any(|o| *o == n);
            if self.faults.duplicates && !copied {
                let mut world = node.world.clone();
                let twice = [Command::Duplicate(n), Command::Deliver(Which::Number(n))];
                if twice.iter().all(|c| world.replay(c).is_ok()) {
                    let mut copies = node.copies.clone();
                    let copy = world.wire.iter().map(|m| m.number).max();
                    copies.extend(copy.map(|c| (c, n)));
                    out.push((Choice::Duplicate(n), Node { world, copies }));
                }
            }
        }
        out
    }

    fn end(&mut self, world: &World, schedule: &[Choice]) {
        let key = final_key(world);
        if self.finals.contains_key(&key) {
            return;
        }
        self.finals.insert(key, self.endings.len());
        self.endings.push(Ending {
            states: world
                .replicas
                .iter()
                .map(|r| (r.name.to_string(), r.set.visible()))
                .collect(),
            stuck: world.wire.iter().map(|m| m.number).collect(),
            schedule: schedule.to_vec(),
            converged: world.converged(),
        });
    }
}

/// What makes two states of the walk the same: each replica's state, clock and ops (as sets),
/// and the messages still in flight.
fn key(node: &Node) -> String {
    let mut out = String::new();
    for r in &node.world.replicas {
        let mut applied: Vec<_> = r.ops.applied.iter().map(|s| &s.id).collect();
        applied.sort();
        let mut waiting: Vec<_> = r.ops.waiting.iter().map(|(s, _)| &s.id).collect();
        waiting.sort();
        out.push_str(&format!(
            "{:?}|{}|{applied:?}|{waiting:?}|{};",
            r.set.describe(),
            r.lamport,
            r.ops.early.len()
        ));
    }
    // A copy is known by the message it copies, whatever number the order of duplicates gave it.
    let mut wire: Vec<String> = node
        .world
        .wire
        .iter()
        .map(|m| match node.copies.get(&m.number) {
            Some(original) => format!("{original}'"),
            None => m.number.to_string(),
        })
        .collect();
    wire.sort();
    let mut copied: Vec<usize> = node.copies.values().copied().collect();
    copied.sort();
    out.push_str(&format!("{wire:?}|{copied:?}"));
    out
}

/// What makes two final states the same: each replica's replicated state and visible elements.
fn final_key(world: &World) -> String {
    let each = world
        .replicas
        .iter()
        .map(|r| format!("{:?}|{}", r.set.describe(), r.set.visible()));
    each.collect::<Vec<_>>().join(";")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::{Edit, Elem, Kind};
    use crate::lab::{Setting, SyncMode};

    fn world_of(lines: &[Command]) -> World {
        let mut world = World::default();
        for c in lines {
            world.apply(c).expect("the story runs");
        }
        world
    }

    fn new(kind: Kind) -> Command {
        Command::New {
            kind,
            replicas: vec!["A".into(), "B".into(), "C".into()],
        }
    }
    fn ops() -> Command {
        Command::Option {
            setting: Setting::Sync(SyncMode::Ops),
            replicas: vec![],
        }
    }
    fn edit(r: &str, add: bool, e: i64) -> Command {
        let elem = Elem::Int(e);
        let edit = if add {
            Edit::Add(elem)
        } else {
            Edit::Remove(elem)
        };
        Command::Edit {
            replica: r.into(),
            edit,
            at: None,
        }
    }
    fn send(a: &str, b: &str) -> Command {
        Command::Send {
            from: a.into(),
            to: b.into(),
        }
    }

    /// The story of the issue: C hears of a remove (from B) and a re-add (from A) of x.
    fn add_and_remove_in_flight(kind: Kind) -> World {
        world_of(&[
            new(kind),
            ops(),
            edit("A", true, 1),
            Command::Sync(None),
            edit("B", false, 1),
            send("B", "C"),
            edit("A", true, 1),
            send("A", "C"),
        ])
    }

    #[test]
    fn an_add_and_a_remove_in_flight_end_two_ways_on_a_naive_set_and_one_on_an_or_set() {
        let naive = explore(&add_and_remove_in_flight(Kind::Naive), Faults::default());
        assert_eq!(naive.expect("explored").endings.len(), 2);
        let orset = explore(&add_and_remove_in_flight(Kind::OrSet), Faults::default());
        assert_eq!(orset.expect("explored").endings.len(), 1);
    }

    /// Every order of delivering the messages, one by one, with no merging.
    fn brute_force(world: &World) -> usize {
        fn go(world: &World, finals: &mut std::collections::HashSet<String>) {
            let mut moved = false;
            for m in &world.wire {
                let mut next = world.clone();
                if next
                    .replay(&Command::Deliver(Which::Number(m.number)))
                    .is_ok()
                {
                    moved = true;
                    go(&next, finals);
                }
            }
            if !moved {
                finals.insert(final_key(world));
            }
        }
        let mut finals = std::collections::HashSet::new();
        go(world, &mut finals);
        finals.len()
    }

    /// A small random story: edits, merges, sends and a cut link, from a seed.
    fn random_world(kind: Kind, by_ops: bool, seed: u64) -> World {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut below = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n) as usize
        };
        let names = ["A", "B", "C"];
        let mut world = world_of(&[new(kind)]);
        if by_ops {
            world.apply(&ops()).expect("ops");
        }
        let mut sent = 0;
        while sent < 4 {
            let (r, s) = (names[below(3)], names[below(3)]);
            let c = match below(6) {
                0 | 1 => edit(r, true, 1 + below(2) as i64),
                2 => edit(r, false, 1 + below(2) as i64),
                3 if r != s => Command::Merge {
                    into: r.into(),
                    from: s.into(),
                },
                _ if r != s => {
                    sent += 1;
                    send(r, s)
                }
                _ => continue,
            };
            let _ = world.apply(&c);
        }
        if below(4) == 0 {
            let _ = world.apply(&Command::Cut("A".into(), "B".into()));
        }
        world
    }

    #[test]
    fn the_count_of_outcomes_matches_a_brute_force_walk_of_every_order() {
        for &kind in Kind::ALL {
            for by_ops in [false, true] {
                for seed in 0..6 {
                    let world = random_world(kind, by_ops, seed);
                    let found = explore(&world, Faults::default()).expect("explored");
                    assert_eq!(
                        found.endings.len(),
                        brute_force(&world),
                        "{kind:?} ops {by_ops} seed {seed}"
                    );
                    assert!(found.visited as u128 <= found.unmerged);
                }
            }
        }
    }

    /// Every schedule step by step with faults as separate moves: a loss at any time, and a
    /// duplicate as a copy put on the wire (once per message) to be delivered or lost later.
    fn brute_force_with_faults(world: &World) -> usize {
        fn go(
            world: &World,
            copied: &std::collections::BTreeSet<usize>,
            finals: &mut std::collections::HashSet<String>,
        ) {
            for m in &world.wire {
                let n = m.number;
                let mut next = world.clone();
                if next.replay(&Command::Deliver(Which::Number(n))).is_ok() {
                    go(&next, copied, finals);
                }
                let mut lost = world.clone();
                lost.wire.retain(|m| m.number != n);
                go(&lost, copied, finals);
                if !copied.contains(&n) {
                    let mut twice = world.clone();
                    twice.replay(&Command::Duplicate(n)).expect("copied");
                    let mut copied = copied.clone();
                    copied.insert(n);
                    copied.extend(twice.wire.last().map(|m| m.number));
                    go(&twice, &copied, finals);
                }
            }
            if world.wire.is_empty() {
                finals.insert(final_key(world));
            }
        }
        let mut finals = std::collections::HashSet::new();
        go(world, &Default::default(), &mut finals);
        finals.len()
    }

    #[test]
    fn with_losses_and_duplicates_the_count_matches_a_step_by_step_walk() {
        for &kind in &[Kind::Naive, Kind::OrSet, Kind::TwoPSet, Kind::PnSet] {
            for by_ops in [false, true] {
                for seed in 0..3 {
                    let mut world = random_world(kind, by_ops, seed);
                    world.wire.truncate(2);
                    let _ = world.apply(&Command::Heal);
                    let faults = Faults {
                        drops: true,
                        duplicates: true,
                    };
                    let found = explore(&world, faults).expect("explored");
                    let want = brute_force_with_faults(&world);
                    assert_eq!(
                        found.endings.len(),
                        want,
                        "{kind:?} ops {by_ops} seed {seed}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_ending_replays_to_its_state_and_faults_add_endings() {
        let world = add_and_remove_in_flight(Kind::OrSet);
        let found = explore(
            &world,
            Faults {
                drops: true,
                duplicates: true,
            },
        )
        .expect("explored");
        // Both arrive; the remove is lost (C keeps a1 and a2); the re-add is lost (C has
        // nothing); both are lost (C keeps a1): four states, one without x.
        assert_eq!(found.endings.len(), 4);
        let without: Vec<&Ending> = found
            .endings
            .iter()
            .filter(|e| e.states[2].1.to_string() == "{}")
            .collect();
        assert_eq!(without.len(), 1);
        assert!(
            without[0]
                .schedule
                .iter()
                .any(|c| matches!(c, Choice::Drop(_)))
        );
        for ending in &found.endings {
            let mut replay = world.clone();
            for c in ending.commands() {
                replay.apply(&c).expect("the schedule replays");
            }
            replay
                .wire
                .retain(|m| !ending.schedule.contains(&Choice::Drop(m.number)));
            let states: Vec<Value> = replay.replicas.iter().map(|r| r.set.visible()).collect();
            let want: Vec<Value> = ending.states.iter().map(|(_, v)| v.clone()).collect();
            assert_eq!(states, want, "{:?}", ending.schedule);
        }
    }

    #[test]
    fn nothing_in_flight_or_too_much_is_refused() {
        assert!(explore(&World::default(), Faults::default()).is_err());
        let mut world = world_of(&[new(Kind::OrSet)]);
        for _ in 0..=MAX_IN_FLIGHT {
            world.apply(&send("A", "B")).expect("sent");
        }
        assert!(explore(&world, Faults::default()).is_err());
    }
}
