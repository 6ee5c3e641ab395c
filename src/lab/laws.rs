//! The laws a set type must obey, checked on random small histories: commutativity,
//! associativity and idempotence of merge, inflation (every op and merge moves a replica up its
//! type's order) and convergence. A failure is shrunk to the shortest history that still shows
//! it, with a probe: the lab moves that show the law breaking, and the two states that differ.

use super::Command;
use super::probe::{
    Counterexample, associativity, commutativity, convergence, idempotence, went_down,
};
use super::setup::Setup;
use crate::crdt::{Edit, Elem, Kind, Stamp};

/// How many random histories `check` tries when not told.
pub const DEFAULT_CASES: usize = 300;
/// The longest random history.
const MAX_STEPS: usize = 8;
/// The elements random histories use.
const ELEMENTS: [i64; 3] = [1, 2, 3];

/// The five laws, in the order they are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Law {
    Commutativity,
    Associativity,
    Idempotence,
    Inflation,
    Convergence,
}

impl Law {
    pub const ALL: [Law; 5] = [
        Law::Commutativity,
        Law::Associativity,
        Law::Idempotence,
        Law::Inflation,
        Law::Convergence,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Law::Commutativity => "commutativity",
            Law::Associativity => "associativity",
            Law::Idempotence => "idempotence",
            Law::Inflation => "inflation",
            Law::Convergence => "convergence",
        }
    }

    /// What the law asks, in one line.
    pub fn rule(self) -> &'static str {
        match self {
            Law::Commutativity => "A merge B and B merge A end in the same state",
            Law::Associativity => {
                "merging B then C into A ends where merging C into B, then B into A, does"
            }
            Law::Idempotence => "merging the same state a second time changes nothing",
            Law::Inflation => {
                "every op and every merge moves a replica up its order: merging its own earlier state back changes nothing"
            }
            Law::Convergence => "replicas that have seen the same updates hold the same state",
        }
    }
}

/// What `check` found: each law with its counterexample, if it has one.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub setup: Setup,
    pub seed: u64,
    pub cases: usize,
    pub laws: Vec<(Law, Option<Counterexample>)>,
}

impl Report {
    pub fn holds(&self) -> bool {
        self.laws.iter().all(|(_, ce)| ce.is_none())
    }

    /// The first counterexample, in law order.
    pub fn first(&self) -> Option<&Counterexample> {
        self.laws.iter().find_map(|(_, ce)| ce.as_ref())
    }
}

/// Search `cases` random histories (from `seed`) for a failure of each law, and shrink each
/// failure found. The same seed gives the same report.
pub fn check(setup: &Setup, seed: u64, cases: usize) -> Report {
    let mut rng = Rng(seed);
    let mut found: Vec<(Law, Option<Counterexample>)> =
        Law::ALL.iter().map(|&law| (law, None)).collect();
    for _ in 0..cases {
        if found.iter().all(|(_, ce)| ce.is_some()) {
            break;
        }
        let history = random_history(&mut rng, setup);
        for (law, slot) in found.iter_mut().filter(|(_, ce)| ce.is_none()) {
            if broken(setup, *law, &history).is_some() {
                *slot = Some(shrink(setup, *law, history.clone()));
            }
        }
    }
    Report {
        setup: setup.clone(),
        seed,
        cases,
        laws: found,
    }
}

/// A small xorshift generator: deterministic per seed, and all a search for small stories needs.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n as u64) as usize
    }
}

/// A random history: adds, removes and merges among the setup's replicas. An LWW set's edits
/// carry an explicit small timestamp half the time, so that ties happen.
fn random_history(rng: &mut Rng, setup: &Setup) -> Vec<Command> {
    let replicas = &setup.replicas;
    let steps = 1 + rng.below(MAX_STEPS);
    (0..steps)
        .map(|_| {
            let replica = replicas[rng.below(replicas.len())].clone();
            let elem = Elem::Int(ELEMENTS[rng.below(ELEMENTS.len())]);
            let at = match setup.kind == Kind::Lww && rng.below(2) == 0 {
                true => Some(Stamp::at(1 + rng.below(3) as u64)),
                false => None,
            };
            match rng.below(10) {
                0..4 => edit(replica, Edit::Add(elem), at),
                4..7 => edit(replica, Edit::Remove(elem), at),
                _ => {
                    let others: Vec<&String> = replicas.iter().filter(|r| **r != replica).collect();
                    let from = others[rng.below(others.len())].clone();
                    merge(&replica, &from)
                }
            }
        })
        .collect()
}

fn edit(replica: String, edit: Edit, at: Option<Stamp>) -> Command {
    Command::Edit {
        replica,
        edit,
        at: at.map(Box::new),
    }
}

pub(super) fn merge(into: &str, from: &str) -> Command {
    Command::Merge {
        into: into.into(),
        from: from.into(),
    }
}

/// Shrink a failing history: drop one step at a time while the law still breaks. Then name
/// the replicas in the order the story meets them (A first), when that still breaks it.
fn shrink(setup: &Setup, law: Law, history: Vec<Command>) -> Counterexample {
    let (mut best, mut used) = broken(setup, law, &history).expect("the history breaks the law");
    'outer: loop {
        for i in 0..used.len() {
            let mut shorter = used.clone();
            shorter.remove(i);
            if let Some((ce, kept)) = broken(setup, law, &shorter) {
                (best, used) = (ce, kept);
                continue 'outer;
            }
        }
        break;
    }
    let renamed = in_order_met(setup, &used);
    match broken(setup, law, &renamed) {
        Some((ce, _)) if renamed != used => ce,
        _ => best,
    }
}

/// The history with its replicas renamed in the order it first names them: the first one it
/// names becomes the setup's first replica, and so on. Unchanged when an option names replicas
/// (their rules would have to move with them).
fn in_order_met(setup: &Setup, history: &[Command]) -> Vec<Command> {
    let named = setup
        .options
        .iter()
        .any(|c| matches!(c, Command::Option { replicas, .. } if !replicas.is_empty()));
    if named {
        return history.to_vec();
    }
    let mut met: Vec<String> = vec![];
    for step in history {
        let names = match step {
            Command::Edit { replica, .. } => vec![replica],
            Command::Merge { into, from } => vec![into, from],
            _ => vec![],
        };
        for n in names {
            if !met.contains(n) {
                met.push(n.clone());
            }
        }
    }
    let rest: Vec<String> = setup
        .replicas
        .iter()
        .filter(|r| !met.contains(r))
        .cloned()
        .collect();
    met.extend(rest);
    let to = |name: &String| -> String {
        let k = met.iter().position(|m| m == name).unwrap_or(0);
        setup
            .replicas
            .get(k)
            .cloned()
            .unwrap_or_else(|| name.clone())
    };
    let rename = |step: &Command| match step {
        Command::Edit { replica, edit, at } => Command::Edit {
            replica: to(replica),
            edit: edit.clone(),
            at: at.clone(),
        },
        Command::Merge { into, from } => merge(&to(into), &to(from)),
        other => other.clone(),
    };
    history.iter().map(rename).collect()
}

/// Does `history` break `law`? The counterexample, and the accepted steps it needed.
fn broken(setup: &Setup, law: Law, history: &[Command]) -> Option<(Counterexample, Vec<Command>)> {
    let mut world = setup.world();
    let mut kept = vec![];
    for step in history {
        let before = world.clone();
        if world.replay(step).is_err() {
            continue;
        }
        kept.push(step.clone());
        if law == Law::Inflation
            && let Some(ce) = went_down(setup, &before, &world, step, &kept)
        {
            return Some((ce, kept));
        }
    }
    let probes = match law {
        Law::Inflation => return None,
        Law::Commutativity => commutativity(&setup.replicas),
        Law::Associativity => associativity(&setup.replicas),
        Law::Idempotence => idempotence(&setup.replicas),
        Law::Convergence => convergence(&setup.replicas),
    };
    let probe = probes.into_iter().find_map(|p| p.run(&world))?;
    let ce = Counterexample {
        law,
        history: kept.clone(),
        probe,
        step: None,
    };
    Some((ce, kept))
}

#[cfg(test)]
mod tests {
    use super::super::setup::lab_option;
    use super::*;
    use crate::crdt::Mistake;
    use crate::lab::{ClockMode, Setting, SyncMode, World};

    fn failing(report: &Report) -> Vec<Law> {
        let failed = report.laws.iter().filter(|(_, ce)| ce.is_some());
        failed.map(|(law, _)| *law).collect()
    }

    #[test]
    fn every_crdt_keeps_every_law_across_seeds() {
        for kind in Kind::ALL.iter().filter(|k| **k != Kind::Naive) {
            for seed in [1, 2, 3] {
                let report = check(&Setup::new(*kind), seed, 150);
                assert_eq!(failing(&report), vec![], "{kind:?} seed {seed}");
            }
        }
    }

    #[test]
    fn every_crdt_keeps_every_law_with_op_based_sync_and_other_options() {
        let settings = [
            Setting::Sync(SyncMode::Ops),
            Setting::Clock(ClockMode::Wall),
            Setting::RemoveUnseen(crate::crdt::RemoveUnseen::Accept),
            Setting::TieBreak(crate::crdt::TieBreak::RemoveWins),
        ];
        for kind in Kind::ALL.iter().filter(|k| **k != Kind::Naive) {
            for (seed, setting) in settings.iter().enumerate() {
                let mut setup = Setup::new(*kind);
                setup.options = vec![lab_option(*setting)];
                let report = check(&setup, seed as u64, 100);
                assert_eq!(failing(&report), vec![], "{kind:?} with {setting:?}");
            }
        }
    }

    #[test]
    fn the_naive_remove_is_not_an_inflation_and_shrinks_to_add_then_remove() {
        for seed in [1, 2, 3] {
            let report = check(&Setup::new(Kind::Naive), seed, DEFAULT_CASES);
            assert!(failing(&report).contains(&Law::Inflation), "seed {seed}");
            let ce = report.laws[3].1.as_ref().expect("inflation fails");
            let (step, before, after) = ce.step.clone().expect("a step went down");
            assert!(matches!(
                step,
                Command::Edit {
                    edit: Edit::Remove(_),
                    ..
                }
            ));
            assert_eq!(
                ce.history.len(),
                1,
                "one add before the remove: {:?}",
                ce.history
            );
            assert_eq!(before.to_string(), "{1}".replace('1', &elem_of(&step)));
            assert_eq!(after.to_string(), "{}");
            // Merging the old state back brings the removed element back: the zombie.
            assert_eq!(ce.probe.found, before);
        }
    }

    fn elem_of(step: &Command) -> String {
        match step {
            Command::Edit {
                edit: Edit::Remove(e) | Edit::Add(e),
                ..
            } => e.to_string(),
            _ => String::new(),
        }
    }

    #[test]
    fn the_setup_of_a_lab_keeps_its_names_rules_and_options_and_a_free_spare() {
        let mut world = World::default();
        let names = vec!["old".to_string(), "before".into(), "Q".into(), "R".into()];
        world
            .apply(&Command::New {
                kind: Kind::Lww,
                replicas: names,
            })
            .expect("new");
        let tiebreak = Command::Option {
            setting: Setting::TieBreak(crate::crdt::TieBreak::RemoveWins),
            replicas: vec!["Q".into()],
        };
        world.apply(&tiebreak).expect("option");
        world
            .apply(&lab_option(Setting::Sync(SyncMode::Ops)))
            .expect("ops");
        let setup = Setup::of(&world);
        assert_eq!(setup.replicas, ["old", "before", "Q"], "the first three");
        assert_eq!(setup.spare, "earlier");
        assert!(
            setup
                .options
                .contains(&lab_option(Setting::Sync(SyncMode::Ops)))
        );
        assert!(setup.options.contains(&tiebreak), "{:?}", setup.options);
        let one = World::fresh(Kind::OrSet, &["B".to_string()]);
        assert_eq!(
            Setup::of(&one).replicas,
            ["B", "A"],
            "two replicas at least"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_report() {
        let a = check(&Setup::new(Kind::Naive), 7, 100);
        let b = check(&Setup::new(Kind::Naive), 7, 100);
        assert_eq!(a, b);
    }

    fn with_mistake(kind: Kind, mistake: Mistake) -> Setup {
        let mut setup = Setup::new(kind);
        setup.options = vec![lab_option(Setting::Mistake(mistake))];
        setup
    }

    #[test]
    fn each_mistake_breaks_a_law_of_its_own() {
        for seed in [1, 2, 3] {
            let reuse = check(
                &with_mistake(Kind::OrSet, Mistake::ReuseTags),
                seed,
                DEFAULT_CASES,
            );
            assert!(!reuse.holds(), "reuse-tags, seed {seed}");
            let one_side = check(
                &with_mistake(Kind::TwoPSet, Mistake::MergeOneSide),
                seed,
                DEFAULT_CASES,
            );
            assert!(!one_side.holds(), "merge-one-side, seed {seed}");
            assert_ne!(failing(&reuse), failing(&one_side));
        }
    }

    #[test]
    fn op_based_naive_sets_diverge() {
        let mut setup = Setup::new(Kind::Naive);
        setup.options = vec![lab_option(Setting::Sync(SyncMode::Ops))];
        let report = check(&setup, 1, DEFAULT_CASES);
        assert!(failing(&report).contains(&Law::Convergence));
    }
}
