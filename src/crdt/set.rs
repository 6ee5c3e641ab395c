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

/// Settings every replica of a lab must share.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    pub tiebreak: TieBreak,
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
    /// The visible elements, sorted.
    fn elements(&self) -> Vec<Elem>;
    /// The replicated state as labelled fields, under their canonical names.
    fn describe(&self) -> Vec<Field>;
    /// `describe`, cut down to what an edit of `elem` can change: each field keyed by element
    /// keeps only `elem`'s entry, and the others (a version vector) stay whole. The lab compares
    /// it before and after an edit to see what the edit did, at the cost of that one element.
    fn describe_elem(&self, _elem: &Elem) -> Vec<Field> {
        self.describe()
    }
    /// Do the two replicas hold the same replicated state? Who they are (a replica's name, its
    /// own counter) does not count: only what a merge would carry.
    fn same_state(&self, other: &Self) -> bool;
    /// One sentence, with the actual numbers, on why `elem` is present or absent.
    fn explain(&self, elem: &Elem) -> String;
    /// How many pieces of metadata the state stores (elements, tombstones, stamps, tags, counters).
    fn meta_size(&self) -> usize;
    /// Take the lab's shared rules (only LWW has any).
    fn configure(&mut self, _rules: &Rules) {}
}
