//! The one trait every set type implements, and what it answers with: an op ready to apply (with
//! a note when it will change nothing visible), or a refusal naming its rule. Also the rules a
//! lab's replicas share.

use super::{Edit, Elem, Field, Name, Stamp};
use std::fmt;

/// A refusal changes nothing and names the rule that refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub rule: String,
}

impl Refusal {
    pub fn new(rule: impl Into<String>) -> Refusal {
        Refusal { rule: rule.into() }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rule)
    }
}

impl std::error::Error for Refusal {}

/// An accepted op, with a note when it will change nothing visible (and why).
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared<Op> {
    pub op: Op,
    pub note: Option<String>,
}

impl<Op> Prepared<Op> {
    pub fn op(op: Op) -> Self {
        Prepared { op, note: None }
    }
    pub fn noted(op: Op, note: impl Into<String>) -> Self {
        Prepared {
            op,
            note: Some(note.into()),
        }
    }
    pub(crate) fn map<T>(self, f: impl FnOnce(Op) -> T) -> Prepared<T> {
        Prepared {
            op: f(self.op),
            note: self.note,
        }
    }
}

/// Who wins when an LWW add and remove carry equal stamps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TieBreak {
    #[default]
    AddWins,
    RemoveWins,
}

impl TieBreak {
    pub fn word(self) -> &'static str {
        match self {
            TieBreak::AddWins => "add-wins",
            TieBreak::RemoveWins => "remove-wins",
        }
    }
}

/// What a 2P-Set does with a remove of an element that is not in this replica's add-set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RemoveUnseen {
    /// Refuse it: a replica removes only what it has seen added (the lab's lessons, seed 002).
    #[default]
    Refuse,
    /// Put it into the remove-set, with a note: the add was seen elsewhere, and may arrive later
    /// (the course's node, seed 000).
    Accept,
}

impl RemoveUnseen {
    pub fn word(self) -> &'static str {
        match self {
            RemoveUnseen::Refuse => "refuse",
            RemoveUnseen::Accept => "accept",
        }
    }
}

/// Settings every replica of a lab must share.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// LWW: who wins a tie between an add and a remove.
    pub tiebreak: TieBreak,
    /// 2P-Set: whether a remove of an element not in the add-set is refused or accepted.
    pub remove_unseen: RemoveUnseen,
}

/// The one trait every set type implements.
pub trait SetCrdt: Clone + fmt::Debug {
    type Op: Clone + fmt::Debug + fmt::Display + PartialEq;

    /// An empty replica named `replica`.
    fn new(replica: &Name) -> Self;
    /// Turn a user's edit into an op, or refuse it. Never changes the state.
    fn prepare(&self, edit: &Edit, stamp: &Stamp) -> Result<Prepared<Self::Op>, Refusal>;
    /// Apply an op (this replica's own, or one delivered from another).
    fn apply(&mut self, op: Self::Op);
    /// Absorb another replica's whole state.
    fn merge(&mut self, other: &Self);
    fn contains(&self, elem: &Elem) -> bool;
    /// The visible elements, sorted, borrowed from the state.
    fn iter(&self) -> impl Iterator<Item = &Elem>;
    /// The visible elements, sorted.
    fn elements(&self) -> Vec<Elem> {
        self.iter().cloned().collect()
    }
    /// The replicated state as labelled fields, under their canonical names.
    fn describe(&self) -> Vec<Field>;
    /// One sentence, with the actual numbers, on why `elem` is present or absent.
    fn explain(&self, elem: &Elem) -> String;
    /// How many pieces of metadata the state stores (elements, tombstones, stamps, tags, counters).
    fn meta_size(&self) -> usize;
    /// Take the lab's shared rules (the LWW's tie-break, the 2P-Set's remove rule).
    fn configure(&mut self, _rules: &Rules) {}
}
