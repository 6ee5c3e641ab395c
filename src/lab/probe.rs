//! Probes: the lab moves that show a law breaking (merges, an undo, a merge back) run on a
//! copy of a world, and the two states they compare; one kind of probe per law.

use super::laws::{Law, merge};
use super::setup::Setup;
use super::{Command, World};
use crate::crdt::{AnySet, Value};

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

/// The replica a step changes.
pub(super) fn subject(step: &Command) -> Option<&str> {
    match step {
        Command::Edit { replica, .. } => Some(replica),
        Command::Merge { into, .. } => Some(into),
        _ => None,
    }
}

/// Did `step` move its replica down (or sideways) in its type's order?
pub(super) fn went_down(
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

pub(super) fn set_of<'w>(world: &'w World, name: &str) -> Option<&'w AnySet> {
    world.replica(name).ok().map(|r| &r.set)
}

/// A probe before it is run: its moves and which replicas it compares.
pub(super) struct Draft {
    moves: Vec<Move>,
    mark: usize,
    expected_from: String,
    replica: String,
}

impl Draft {
    /// Run the moves on a copy of `world`: a probe when the two states differ.
    pub(super) fn run(self, world: &World) -> Option<Probe> {
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

pub(super) fn commutativity(replicas: &[String]) -> Vec<Draft> {
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

pub(super) fn associativity(replicas: &[String]) -> Vec<Draft> {
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

pub(super) fn idempotence(replicas: &[String]) -> Vec<Draft> {
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
pub(super) fn convergence(replicas: &[String]) -> Vec<Draft> {
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
