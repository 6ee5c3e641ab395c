//! The laws a set type must obey, checked on random small histories: commutativity,
//! associativity and idempotence of merge, inflation (every op and merge moves a replica up its
//! type's order) and convergence. A failure is shrunk to the shortest history that still shows
//! it, with a probe: the lab moves that show the law breaking, and the two states that differ.

use super::{ClockMode, Command, Setting, SyncMode, World};
use crate::crdt::{AnySet, Edit, Elem, Kind, Rules, Stamp, Value};

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

/// What a check runs on: a type, its replicas and the options set on them (mistakes included).
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub kind: Kind,
    pub replicas: Vec<String>,
    /// `option` commands run after `new`.
    pub options: Vec<Command>,
    /// A replica no history touches, which keeps an earlier state in an inflation story.
    pub spare: String,
}

impl Setup {
    /// A type with replicas A B C and no options.
    pub fn new(kind: Kind) -> Setup {
        Setup::with(kind, vec!["A".into(), "B".into(), "C".into()], vec![])
    }

    fn with(kind: Kind, replicas: Vec<String>, options: Vec<Command>) -> Setup {
        let taken = |n: &str| replicas.iter().any(|r| r.eq_ignore_ascii_case(n));
        let spare = ["old", "before", "earlier"]
            .into_iter()
            .find(|n| !taken(n))
            .unwrap_or("old-state")
            .to_string();
        Setup {
            kind,
            replicas,
            options,
            spare,
        }
    }

    /// The current lab's type, its first three replicas (two at least) and their options.
    pub fn of(world: &World) -> Setup {
        let mut replicas: Vec<String> = world.names().into_iter().take(3).collect();
        for extra in ["A", "B", "C", "D"] {
            let taken = replicas.iter().any(|r| r.eq_ignore_ascii_case(extra));
            if replicas.len() < 2 && !taken {
                replicas.push(extra.into());
            }
        }
        let mut options = vec![];
        if world.sync == SyncMode::Ops {
            options.push(lab_option(Setting::Sync(SyncMode::Ops)));
        }
        if world.clock == ClockMode::Wall {
            options.push(lab_option(Setting::Clock(ClockMode::Wall)));
        }
        let rules: Vec<(String, Rules)> = replicas
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    world.replica(n).map(|r| r.rules).unwrap_or_default(),
                )
            })
            .collect();
        options.extend(rule_options(&rules));
        Setup::with(world.kind, replicas, options)
    }

    /// The lines that make the lab: `new`, with the spare replica when asked, then the options.
    pub fn commands(&self, spare: bool) -> Vec<Command> {
        let mut replicas = self.replicas.clone();
        if spare {
            replicas.push(self.spare.clone());
        }
        let new = Command::New {
            kind: self.kind,
            replicas,
        };
        std::iter::once(new).chain(self.options.clone()).collect()
    }

    fn world(&self) -> World {
        let mut world = World::default();
        for command in self.commands(true) {
            let _ = world.replay(&command);
        }
        world
    }

    /// Options and sync mode in words: `state sync, option mistake reuse-tags`.
    pub fn options_text(&self) -> String {
        let sync = match self.options.iter().any(|c| {
            matches!(
                c,
                Command::Option {
                    setting: Setting::Sync(SyncMode::Ops),
                    ..
                }
            )
        }) {
            true => "op-based sync",
            false => "state sync",
        };
        let mut parts = vec![sync.to_string()];
        parts.extend(self.options.iter().filter_map(|c| match c {
            Command::Option {
                setting: Setting::Sync(_),
                ..
            } => None,
            other => Some(other.to_string()),
        }));
        parts.join(", ")
    }
}

fn lab_option(setting: Setting) -> Command {
    Command::Option {
        setting,
        replicas: vec![],
    }
}

/// The `option` lines that give each replica its rules: once for all when they share them.
fn rule_options(rules: &[(String, Rules)]) -> Vec<Command> {
    let all_same = rules.windows(2).all(|w| w[0].1 == w[1].1);
    let default = Rules::default();
    let settings = |r: &Rules| {
        let mut out = vec![];
        if r.tiebreak != default.tiebreak {
            out.push(Setting::TieBreak(r.tiebreak));
        }
        if r.remove_unseen != default.remove_unseen {
            out.push(Setting::RemoveUnseen(r.remove_unseen));
        }
        if r.mistake != default.mistake {
            out.push(Setting::Mistake(r.mistake));
        }
        out
    };
    match (all_same, rules.first()) {
        (true, Some((_, r))) => settings(r).into_iter().map(lab_option).collect(),
        _ => rules
            .iter()
            .flat_map(|(name, r)| {
                settings(r).into_iter().map(|setting| Command::Option {
                    setting,
                    replicas: vec![name.clone()],
                })
            })
            .collect(),
    }
}

/// A move of a probe: a command, or taking the last one back.
#[derive(Clone, Debug, PartialEq)]
pub enum Move {
    Run(Command),
    Undo,
}

/// The lab moves that show a law breaking: after `mark` moves the law's answer is read off
/// `expected_from`; at the end `replica` should hold the same state, and does not.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub moves: Vec<Move>,
    pub mark: usize,
    pub expected_from: String,
    pub replica: String,
    /// The first part that differs: a field by its canonical name, or `None` for the visible elements.
    pub field: Option<&'static str>,
    pub expected: Value,
    pub found: Value,
}

/// A law broken by a history, shrunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    pub law: Law,
    /// The steps before the probe.
    pub history: Vec<Command>,
    pub probe: Probe,
    /// For inflation: the step that went down, and the state before and after it.
    pub step: Option<(Command, Value, Value)>,
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
    Command::Edit { replica, edit, at }
}

fn merge(into: &str, from: &str) -> Command {
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

/// The replica a step changes.
fn subject(step: &Command) -> Option<&str> {
    match step {
        Command::Edit { replica, .. } => Some(replica),
        Command::Merge { into, .. } => Some(into),
        _ => None,
    }
}

/// Did `step` move its replica down (or sideways) in its type's order?
fn went_down(
    setup: &Setup,
    before: &World,
    after: &World,
    step: &Command,
    kept: &[Command],
) -> Option<Counterexample> {
    let r = subject(step)?;
    let (old, new) = (set_of(before, r)?, set_of(after, r)?);
    if old.le(new) {
        return None;
    }
    let spare = setup.spare.as_str();
    let draft = Draft {
        moves: vec![
            Move::Run(merge(spare, r)),
            Move::Run(step.clone()),
            Move::Run(merge(r, spare)),
        ],
        mark: 2,
        expected_from: r.into(),
        replica: r.into(),
    };
    let probe = draft.run(before).unwrap_or_else(|| {
        // The lab's merges (a mistake may cut them down) do not show it: compare with the state before.
        let (field, expected, found) = difference(old, new);
        Probe {
            moves: vec![Move::Run(step.clone())],
            mark: 0,
            expected_from: r.into(),
            replica: r.into(),
            field,
            expected,
            found,
        }
    });
    Some(Counterexample {
        law: Law::Inflation,
        history: kept[..kept.len() - 1].to_vec(),
        probe,
        step: Some((step.clone(), old.visible(), new.visible())),
    })
}

fn set_of<'w>(world: &'w World, name: &str) -> Option<&'w AnySet> {
    world.replica(name).ok().map(|r| &r.set)
}

/// A probe before it is run: its moves and which replicas it compares.
struct Draft {
    moves: Vec<Move>,
    mark: usize,
    expected_from: String,
    replica: String,
}

impl Draft {
    /// Run the moves on a copy of `world`: a probe when the two states differ.
    fn run(self, world: &World) -> Option<Probe> {
        let mut stack = vec![world.clone()];
        let mut expected = None;
        for (k, m) in self.moves.iter().enumerate() {
            if k == self.mark {
                expected = set_of(stack.last()?, &self.expected_from).cloned();
            }
            match m {
                Move::Run(command) => {
                    let mut next = stack.last()?.clone();
                    next.replay(command).ok()?;
                    stack.push(next);
                }
                Move::Undo => {
                    stack.pop();
                }
            }
        }
        let last = stack.last()?;
        let expected = match expected {
            Some(e) => e,
            None => set_of(last, &self.expected_from)?.clone(),
        };
        let found = set_of(last, &self.replica)?;
        if expected.same_state(found) && expected.elements() == found.elements() {
            return None;
        }
        let (field, expected, found) = difference(&expected, found);
        Some(Probe {
            moves: self.moves,
            mark: self.mark,
            expected_from: self.expected_from,
            replica: self.replica,
            field,
            expected,
            found,
        })
    }
}

/// Where two states first differ: the visible elements, or else the first field.
fn difference(expected: &AnySet, found: &AnySet) -> (Option<&'static str>, Value, Value) {
    if expected.elements() != found.elements() {
        return (None, expected.visible(), found.visible());
    }
    let theirs = found.describe();
    for field in expected.describe() {
        let other = theirs.iter().find(|f| f.name == field.name);
        if other.is_none_or(|o| o.value != field.value) {
            let found = other.map_or(Value::Set(vec![]), |o| o.value.clone());
            return (Some(field.name), field.value, found);
        }
    }
    (None, expected.visible(), found.visible())
}

fn pairs(replicas: &[String]) -> impl Iterator<Item = (&String, &String)> {
    replicas.iter().flat_map(move |r| {
        replicas
            .iter()
            .filter(move |s| *s != r)
            .map(move |s| (r, s))
    })
}

fn commutativity(replicas: &[String]) -> Vec<Draft> {
    pairs(replicas)
        .filter(|(r, s)| r < s)
        .map(|(r, s)| Draft {
            moves: vec![Move::Run(merge(r, s)), Move::Undo, Move::Run(merge(s, r))],
            mark: 1,
            expected_from: r.clone(),
            replica: s.clone(),
        })
        .collect()
}

fn associativity(replicas: &[String]) -> Vec<Draft> {
    let mut out = vec![];
    for (r, s) in pairs(replicas) {
        for t in replicas.iter().filter(|t| *t != r && *t != s) {
            out.push(Draft {
                moves: vec![
                    Move::Run(merge(r, s)),
                    Move::Run(merge(r, t)),
                    Move::Undo,
                    Move::Undo,
                    Move::Run(merge(s, t)),
                    Move::Run(merge(r, s)),
                ],
                mark: 2,
                expected_from: r.clone(),
                replica: r.clone(),
            });
        }
    }
    out
}

fn idempotence(replicas: &[String]) -> Vec<Draft> {
    pairs(replicas)
        .map(|(r, s)| Draft {
            moves: vec![Move::Run(merge(r, s)), Move::Run(merge(r, s))],
            mark: 1,
            expected_from: r.clone(),
            replica: r.clone(),
        })
        .collect()
}

/// Every replica sends to the first, then the first to every replica: all have seen every update.
fn convergence(replicas: &[String]) -> Vec<Draft> {
    let Some((first, rest)) = replicas.split_first() else {
        return vec![];
    };
    let gather = rest.iter().map(|r| Move::Run(merge(first, r)));
    let scatter = rest.iter().map(|r| Move::Run(merge(r, first)));
    let moves: Vec<Move> = gather.chain(scatter).collect();
    rest.iter()
        .map(|r| Draft {
            moves: moves.clone(),
            mark: moves.len(),
            expected_from: first.clone(),
            replica: r.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::Mistake;

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
