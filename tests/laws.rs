//! The CRDT laws, checked with proptest on every real set type through the public API: merge is
//! a join (commutative, associative, idempotent), every step only moves a replica up, and
//! replicas converge after a full sync in any order. The naive set breaks inflation: its zombie.

use crdt_lab::crdt::{AnySet, Edit, Elem, Kind, Name, RemoveUnseen, Rules, Stamp, TieBreak};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRng, TestRunner};
use std::ops::RangeInclusive;

const NAMES: [&str; 5] = ["A", "B", "C", "D", "E"];
const WORDS: [&str; 5] = ["x", "y", "z", "1", "2"];

fn elem(word: usize) -> Elem {
    Elem::parse(WORDS[word % WORDS.len()])
}

/// One step of a history. Replica numbers are taken modulo the number of replicas.
/// `time` is an explicit LWW stamp; without one the replica's Lamport counter stamps the edit.
#[derive(Clone, Debug)]
enum Step {
    Add {
        at: usize,
        word: usize,
        time: Option<u64>,
    },
    Remove {
        at: usize,
        word: usize,
        time: Option<u64>,
    },
    Merge {
        into: usize,
        from: usize,
    },
}

#[derive(Clone, Debug)]
struct History {
    replicas: usize,
    remove_wins: bool,
    /// The 2P-Set's remove rule: accept a remove of an element not in the add-set.
    accept_unseen: bool,
    steps: Vec<Step>,
}

fn step() -> impl Strategy<Value = Step> {
    let edit = || {
        (
            0..5usize,
            0..WORDS.len(),
            prop::option::weighted(0.25, 1..6u64),
        )
    };
    prop_oneof![
        3 => edit().prop_map(|(at, word, time)| Step::Add { at, word, time }),
        2 => edit().prop_map(|(at, word, time)| Step::Remove { at, word, time }),
        2 => (0..5usize, 0..5usize).prop_map(|(into, from)| Step::Merge { into, from }),
    ]
}

fn history(replicas: RangeInclusive<usize>, max_steps: usize) -> impl Strategy<Value = History> {
    let rules = (any::<bool>(), any::<bool>());
    (replicas, rules, vec(step(), 0..max_steps)).prop_map(
        |(replicas, (remove_wins, accept_unseen), steps)| History {
            replicas,
            remove_wins,
            accept_unseen,
            steps,
        },
    )
}

fn real_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.iter().copied().filter(|k| *k != Kind::Naive)
}

/// Replicas of one type, with the Lamport counter each keeps for its LWW stamps.
struct Lab {
    names: Vec<Name>,
    replicas: Vec<AnySet>,
    clocks: Vec<u64>,
}

impl Lab {
    fn new(kind: Kind, history: &History) -> Lab {
        let tiebreak = match history.remove_wins {
            true => TieBreak::RemoveWins,
            false => TieBreak::AddWins,
        };
        let remove_unseen = match history.accept_unseen {
            true => RemoveUnseen::Accept,
            false => RemoveUnseen::Refuse,
        };
        let names: Vec<Name> = NAMES[..history.replicas]
            .iter()
            .map(|&n| n.into())
            .collect();
        let replicas = names
            .iter()
            .map(|name| {
                let mut set = AnySet::new(kind, name);
                set.configure(&Rules {
                    tiebreak,
                    remove_unseen,
                    ..Rules::default()
                });
                set
            })
            .collect();
        Lab {
            clocks: vec![0; names.len()],
            names,
            replicas,
        }
    }

    /// A lab with the whole history run.
    fn after(kind: Kind, history: &History) -> Lab {
        let mut lab = Lab::new(kind, history);
        history.steps.iter().for_each(|s| lab.run(s));
        lab
    }

    /// The replica a step acts on.
    fn target(&self, step: &Step) -> usize {
        match *step {
            Step::Add { at, .. } | Step::Remove { at, .. } => at % self.replicas.len(),
            Step::Merge { into, .. } => into % self.replicas.len(),
        }
    }

    fn run(&mut self, step: &Step) {
        let (at, n) = (self.target(step), self.replicas.len());
        match *step {
            Step::Add { word, time, .. } => self.edit(at, Edit::Add(elem(word)), time),
            Step::Remove { word, time, .. } => self.edit(at, Edit::Remove(elem(word)), time),
            Step::Merge { from, .. } => self.merge(at, from % n),
        }
    }

    fn stamp(&mut self, at: usize, time: Option<u64>) -> Stamp {
        match time {
            Some(t) => Stamp::at(t),
            None => {
                self.clocks[at] += 1;
                Stamp::lamport(self.clocks[at], &self.names[at])
            }
        }
    }

    /// Prepare and apply an edit; a refused edit is skipped.
    fn edit(&mut self, at: usize, edit: Edit, time: Option<u64>) {
        let stamp = self.stamp(at, time);
        if let Ok(prepared) = self.replicas[at].prepare(&edit, &stamp) {
            let applied = self.replicas[at].apply(prepared.op);
            applied.expect("a replica accepts its own op");
        }
    }

    fn merge(&mut self, into: usize, from: usize) {
        let other = self.replicas[from].clone();
        let merged = self.replicas[into].merge(&other);
        merged.expect("replicas of one type merge");
        self.clocks[into] = self.clocks[into].max(self.clocks[from]);
    }

    /// Every replica merges every other, twice round, in the order given by `pairs`.
    fn full_sync(&mut self, pairs: &[(usize, usize)]) {
        for _ in 0..2 {
            pairs
                .iter()
                .for_each(|&(into, from)| self.merge(into, from));
        }
    }
}

/// Every (into, from) pair of distinct replicas.
fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    let pairs = (0..n).flat_map(|i| (0..n).map(move |j| (i, j)));
    pairs.filter(|(i, j)| i != j).collect()
}

/// `a` after absorbing `b`.
fn joined(a: &AnySet, b: &AnySet) -> AnySet {
    let mut out = a.clone();
    out.merge(b).expect("replicas of one type merge");
    out
}

/// A step that moved a replica down: absorbing its own earlier state changed it.
struct Fall {
    step: Step,
    before: AnySet,
    after: AnySet,
    merged: AnySet,
}

/// The first step of the history after which `after ⊔ before != after`.
fn first_fall(kind: Kind, history: &History) -> Option<Fall> {
    let mut lab = Lab::new(kind, history);
    for step in &history.steps {
        let at = lab.target(step);
        let before = lab.replicas[at].clone();
        lab.run(step);
        let after = lab.replicas[at].clone();
        let merged = joined(&after, &before);
        if merged.describe() != after.describe() {
            let step = step.clone();
            return Some(Fall {
                step,
                before,
                after,
                merged,
            });
        }
    }
    None
}

fn check_converged(kind: Kind, replicas: &[AnySet]) -> Result<(), TestCaseError> {
    let first = &replicas[0];
    for (i, r) in replicas.iter().enumerate() {
        prop_assert_eq!(
            r.describe(),
            first.describe(),
            "{} replica {}",
            kind.word(),
            i
        );
        prop_assert_eq!(
            r.elements(),
            first.elements(),
            "{} replica {}",
            kind.word(),
            i
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merge_is_commutative_associative_and_idempotent(h in history(3..=3, 30)) {
        for kind in real_kinds() {
            let lab = Lab::after(kind, &h);
            let (a, b, c) = (&lab.replicas[0], &lab.replicas[1], &lab.replicas[2]);
            let word = kind.word();
            prop_assert_eq!(joined(a, b).describe(), joined(b, a).describe(), "{} a⊔b", word);
            let left = joined(&joined(a, b), c);
            let right = joined(a, &joined(b, c));
            prop_assert_eq!(left.describe(), right.describe(), "{} (a⊔b)⊔c", word);
            prop_assert_eq!(joined(a, a).describe(), a.describe(), "{} a⊔a", word);
        }
    }

    #[test]
    fn every_step_only_moves_a_replica_up(h in history(2..=5, 30)) {
        for kind in real_kinds() {
            if let Some(fall) = first_fall(kind, &h) {
                let (after, merged) = (fall.after.describe(), fall.merged.describe());
                prop_assert_eq!(merged, after, "{} fell at {:?}", kind.word(), fall.step);
            }
        }
    }

    #[test]
    fn a_full_sync_converges_whatever_the_order(h in history(2..=5, 40)) {
        for kind in real_kinds() {
            let mut forward = Lab::after(kind, &h);
            let mut backward = Lab::after(kind, &h);
            let pairs = all_pairs(h.replicas);
            forward.full_sync(&pairs);
            backward.full_sync(&pairs.into_iter().rev().collect::<Vec<_>>());
            check_converged(kind, &forward.replicas)?;
            check_converged(kind, &backward.replicas)?;
            let (f, b) = (&forward.replicas[0], &backward.replicas[0]);
            prop_assert_eq!(f.describe(), b.describe(), "{} depends on the sync order", kind.word());
        }
    }
}

/// The search must find a fall in the naive set, and shrink it to the zombie: an element
/// removed on a replica comes back when that replica absorbs a copy that still holds it.
#[test]
fn the_naive_set_breaks_inflation_and_the_search_finds_the_zombie() {
    let config = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&history(2..=5, 30), |h| match first_fall(Kind::Naive, &h) {
        Some(fall) => Err(TestCaseError::fail(format!("{:?} fell", fall.step))),
        None => Ok(()),
    });
    let Err(TestError::Fail(_, found)) = result else {
        panic!("the naive set passed the inflation law: {result:?}");
    };
    let fall = first_fall(Kind::Naive, &found).expect("the shrunk history still falls");
    let Step::Remove { word, .. } = fall.step else {
        panic!("the fall is not a remove: {:?}", fall.step);
    };
    let x = elem(word);
    assert!(fall.before.contains(&x) && !fall.after.contains(&x));
    assert!(fall.merged.contains(&x), "{x} comes back after the merge");
    assert_eq!(
        found.steps.len(),
        2,
        "shrunk to add, then remove: {found:?}"
    );
}
