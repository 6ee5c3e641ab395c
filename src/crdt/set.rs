//! The one trait every set type implements, and what it answers with: an op ready to apply (with
//! a note when it will change nothing visible), or a refusal naming its rule; how a delivered op
//! stands when it arrives early. Also the rules a replica follows.

use super::{Edit, Elem, Field, Name, Stamp, Tag};
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
    /// Refuse it, so the tombstones stay inside the add-set: a replica removes only what it has
    /// seen added (the lab's lessons, Hupel, seed 002).
    #[default]
    Refuse,
    /// Put it into the remove-set, with a note: the add was seen elsewhere and may arrive later,
    /// and meanwhile the element is banned in advance (the course's node, seed 000).
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

/// A classic implementation mistake, switched on for teaching.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mistake {
    #[default]
    None,
    /// A re-add reuses the replica's old tag for the element, which its own tombstone swallows.
    ReuseTags,
    /// Merges ship only the add side of the state, so removes come back.
    MergeOneSide,
}

impl Mistake {
    pub fn word(self) -> &'static str {
        match self {
            Mistake::None => "none",
            Mistake::ReuseTags => "reuse-tags",
            Mistake::MergeOneSide => "merge-one-side",
        }
    }
}

/// The rules one replica follows. Replicas that follow different rules may never agree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// LWW: who wins a tie between an add and a remove.
    pub tiebreak: TieBreak,
    /// 2P-Set: whether a remove of an element not in the add-set is refused or accepted.
    pub remove_unseen: RemoveUnseen,
    /// A classic implementation mistake switched on for teaching, if any.
    pub mistake: Mistake,
}

/// How a delivered op stands against the state it arrives at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Nothing it depends on is missing.
    Ready,
    /// It came before an op it depends on, and this type applies it anyway: why that is safe.
    Early(String),
    /// It came before an op it depends on and must wait for it: what it waits for, and why.
    Wait(String),
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
    /// `describe`, cut down to what an edit of `elem` can change: each field keyed by element
    /// keeps only `elem`'s entry, and the others (a version vector) stay whole. The lab compares
    /// it before and after an edit to see what the edit did, at the cost of that one element.
    fn describe_elem(&self, _elem: &Elem) -> Vec<Field> {
        self.describe()
    }
    /// The elements a merge of `other` into this replica may change (a few more do no harm), or
    /// `None` when it may change any. The lab describes only these before and after a merge, so
    /// that recording what a merge did costs what the merge looks at, not the whole state.
    fn merge_touches(&self, _other: &Self) -> Option<Vec<Elem>> {
        None
    }
    /// Whether `merge_elems` may stand in for `merge` between these two replicas: false when a
    /// merge can change elements neither side changed since they last met (a mistake that
    /// breaks the join), where the lab merges whole states.
    fn merges_in_part(&self, _other: &Self) -> bool {
        false
    }
    /// Whether every op and merge only grows the state (true of every CRDT here; the naive set's
    /// remove shrinks it). A merge in part then need not look at what the receiver changed.
    fn grows_only(&self) -> bool {
        true
    }
    /// Absorb only `other`'s entries for `elems` (and its whole version vector, if it keeps one),
    /// changing no other element. The lab calls it with the elements either side changed since
    /// they last met (`lab::journal`), and then it equals `merge`. Costs about
    /// `elems × log state`, not the state.
    fn merge_elems(&mut self, other: &Self, _elems: &[Elem]) {
        self.merge(other)
    }
    /// Do the two replicas hold the same replicated state? Who they are (a replica's name, its
    /// own counter) does not count: only what a merge would carry.
    fn same_state(&self, other: &Self) -> bool;
    /// One sentence, with the actual numbers, on why `elem` is present or absent.
    fn explain(&self, elem: &Elem) -> String;
    /// What the state stores, piece by kind: `[("live tags", 1), ("tombstoned tags", 2)]`.
    fn metadata(&self) -> Vec<(&'static str, usize)>;
    /// How many pieces of metadata the state stores (elements, tombstones, stamps, tags, counters).
    fn meta_size(&self) -> usize {
        self.metadata().iter().map(|(_, n)| n).sum()
    }
    /// Take the rules this replica follows (the LWW's tie-break, the 2P-Set's remove rule, a mistake).
    fn configure(&mut self, _rules: &Rules) {}

    /// What an op carries, in the type's own fields (its size on the wire is measured from these).
    fn carries(op: &Self::Op) -> Vec<Field>;
    /// The element an op is about.
    fn subject(op: &Self::Op) -> &Elem;
    /// Whether a delivered op can be applied here now. `apply` expects an op that is not told to wait.
    fn arrival(&self, _op: &Self::Op) -> Arrival {
        Arrival::Ready
    }
    /// The state as a merge that ships only its add side would send it (a classic mistake).
    fn adds_only(&self) -> Self {
        self.clone()
    }
    /// Write the element's entry of the map view directly (`set x true` on a 2P-Set).
    fn prepare_set(&self, elem: &Elem, _removed: bool) -> Result<Prepared<Self::Op>, Refusal> {
        Err(Refusal::new(format!(
            "`set` writes a 2P-Set's map (element → removed?), and this set has no such map, so {elem} is left alone"
        )))
    }
    /// Other ways to lay the same state out, by name; the first is `describe`'s.
    fn layouts(&self) -> &'static [&'static str] {
        &[]
    }
    /// The state laid out another way (`None` for a layout this type does not have).
    fn layout(&self, _name: &str) -> Option<Vec<Field>> {
        None
    }
    /// The removed tags this replica keeps, which a garbage collection might drop.
    fn tombstoned(&self) -> Vec<(Elem, Tag)> {
        vec![]
    }
    /// Drop these removed tags for good.
    fn forget(&mut self, _tags: &[(Elem, Tag)]) {}
}
