//! The core: one file per set CRDT, pure data and rules. No I/O, no terminal, no clock is read here.
//!
//! Every type implements [`SetCrdt`]. Preparing an op (`&self`) is separate from applying it
//! (`&mut self`), so an op is a value that can be shown, held in flight, duplicated or reordered.
//! [`AnySet`] and [`AnyOp`] wrap the types for the layers above; the registry at the bottom of
//! this file is the one place that lists them.

mod gset;
mod lww;
mod naive;
mod orset;
mod orswot;
mod pnset;
mod twopset;
mod view;

pub use gset::GSet;
pub use gset::Op as GSetOp;
pub use lww::Lww;
pub use naive::Naive;
pub use orset::Op as OrSetOp;
pub use orset::OrSet;
pub use orswot::Op as OrswotOp;
pub use orswot::Orswot;
pub use pnset::PnSet;
pub use twopset::Op as TwoPSetOp;
pub use twopset::TwoPSet;
pub use view::{Field, Role, Value, normalize};

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// A replica's name inside the core (cheap to clone: tags and stamps carry it).
pub type Name = Arc<str>;

/// An element of a set. Integers sort before strings, numerically, so `{2, 10, x}` reads well.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Elem {
    Int(i64),
    Str(Arc<str>),
}

impl Elem {
    /// A word typed by a user: a plain integer becomes a number, anything else a string.
    pub fn parse(word: &str) -> Elem {
        match word.parse::<i64>() {
            Ok(n) if n.to_string() == word => Elem::Int(n),
            _ => Elem::Str(word.into()),
        }
    }
}

impl fmt::Display for Elem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Elem::Int(n) => write!(f, "{n}"),
            Elem::Str(s) => write!(f, "{s}"),
        }
    }
}

impl Serialize for Elem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Elem::Int(n) => s.serialize_i64(*n),
            Elem::Str(text) => s.serialize_str(text),
        }
    }
}

/// A unique tag (OR-Set) or dot (ORSWOT): the lowercase replica name and that replica's
/// counter, from 1. Shown as `a1`, `b1`, `alice3`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    pub replica: Name,
    pub n: u64,
}

impl Tag {
    pub fn new(replica: &Name, n: u64) -> Tag {
        Tag {
            replica: replica.clone(),
            n,
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.replica.to_lowercase(), self.n)
    }
}

/// How a timestamp is shown: a plain number, or a wall-clock time of day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum StampStyle {
    #[default]
    Plain,
    Clock,
}

/// An LWW timestamp. Lamport stamps carry the replica that made them (`by`), which breaks a
/// tie between replicas; explicit and wall-clock stamps do not, so a tie goes to the tie-break.
#[derive(Clone, Debug, Default)]
pub struct Stamp {
    pub time: u64,
    pub by: Option<Name>,
    pub style: StampStyle,
}

impl Stamp {
    pub fn at(time: u64) -> Stamp {
        Stamp {
            time,
            ..Stamp::default()
        }
    }
    pub fn lamport(time: u64, by: &Name) -> Stamp {
        Stamp {
            time,
            by: Some(by.clone()),
            style: StampStyle::Plain,
        }
    }
    pub fn clock(seconds: u64) -> Stamp {
        Stamp {
            time: seconds,
            by: None,
            style: StampStyle::Clock,
        }
    }
}

impl PartialEq for Stamp {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Stamp {}
impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, &self.by).cmp(&(other.time, &other.by))
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.style, &self.by) {
            (StampStyle::Clock, _) => write!(f, "{}", hms(self.time)),
            (StampStyle::Plain, Some(by)) => write!(f, "{}@{by}", self.time),
            (StampStyle::Plain, None) => write!(f, "{}", self.time),
        }
    }
}

/// Seconds since midnight as `hh:mm:ss`.
pub fn hms(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{h:02}:{m:02}:{s:02}")
}

/// What a user asks a replica to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    Add(Elem),
    Remove(Elem),
}

/// The op of the sets whose ops carry only the element (naive, 2P-Set).
#[derive(Clone, Debug, PartialEq)]
pub enum ElemOp {
    Add(Elem),
    Remove(Elem),
}

impl fmt::Display for ElemOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElemOp::Add(e) => write!(f, "add {e}"),
            ElemOp::Remove(e) => write!(f, "remove {e}"),
        }
    }
}

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
    fn map<T>(self, f: impl FnOnce(Op) -> T) -> Prepared<T> {
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
    /// One sentence, with the actual numbers, on why `elem` is present or absent.
    fn explain(&self, elem: &Elem) -> String;
    /// How many pieces of metadata the state stores (elements, tombstones, stamps, tags, counters).
    fn meta_size(&self) -> usize;
    /// Take the lab's shared rules (only LWW has any).
    fn configure(&mut self, _rules: &Rules) {}
}

/// Render a sorted list of displayable things as `{a, b}`.
pub(crate) fn set_of<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Set(items.into_iter().map(|i| i.to_string()).collect())
}

/// Render elem → tags as `{x: {a1, b1}}`.
pub(crate) fn tag_map<'a, Tags: 'a>(map: &'a BTreeMap<Elem, Tags>) -> Value
where
    &'a Tags: IntoIterator<Item = &'a Tag>,
{
    Value::Map(
        map.iter()
            .map(|(e, tags)| (e.to_string(), set_of(tags)))
            .collect(),
    )
}

/// A list of tags for a sentence: `a1, b1`.
pub(crate) fn tag_list<'a>(tags: impl IntoIterator<Item = &'a Tag>) -> String {
    let words: Vec<String> = tags.into_iter().map(Tag::to_string).collect();
    words.join(", ")
}

/// Union of two sorted sets in place: one linear walk finds what `other` adds, then those are
/// inserted (or appended in bulk when they are many). Nothing is rebuilt when nothing is new.
pub(crate) fn union_into<T: Ord + Clone>(mine: &mut BTreeSet<T>, other: &BTreeSet<T>) {
    let mut theirs = other.iter().peekable();
    let mut new: Vec<T> = vec![];
    for x in mine.iter() {
        while let Some(y) = theirs.next_if(|y| *y < x) {
            new.push(y.clone());
        }
        theirs.next_if(|y| *y == x);
    }
    new.extend(theirs.cloned());
    add_all(mine, new);
}

fn add_all<T: Ord>(mine: &mut BTreeSet<T>, new: Vec<T>) {
    if new.len() > mine.len() / 8 {
        mine.append(&mut new.into_iter().collect());
    } else {
        mine.extend(new);
    }
}

/// Merge `theirs` into `mine` in place with one linear walk. `both` updates a value of mine
/// (given theirs, if any) and says whether to keep it; `fresh` turns a value only they have into
/// one of mine, or `None` to skip it. New keys are inserted after the walk.
pub(crate) fn merge_map<K: Ord + Clone, V>(
    mine: &mut BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    mut both: impl FnMut(&K, &mut V, Option<&V>) -> bool,
    mut fresh: impl FnMut(&K, &V) -> Option<V>,
) {
    let mut walk = theirs.iter().peekable();
    let (mut new, mut dead): (Vec<(K, V)>, Vec<K>) = (vec![], vec![]);
    for (k, v) in mine.iter_mut() {
        while let Some((tk, tv)) = walk.next_if(|(tk, _)| *tk < k) {
            new.extend(fresh(tk, tv).map(|v| (tk.clone(), v)));
        }
        let w = walk.next_if(|(tk, _)| *tk == k).map(|(_, w)| w);
        if !both(k, v, w) {
            dead.push(k.clone());
        }
    }
    for (tk, tv) in walk {
        new.extend(fresh(tk, tv).map(|v| (tk.clone(), v)));
    }
    dead.iter().for_each(|k| {
        mine.remove(k);
    });
    if new.len() > mine.len() / 8 {
        mine.append(&mut new.into_iter().collect());
    } else {
        mine.extend(new);
    }
}

macro_rules! registry {
    ($($variant:ident($ty:ty) = $word:literal, $title:literal, $about:literal;)*) => {
        /// The set types a lab can hold, by their type word.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];
            /// The type word used by `new <type>`.
            pub fn word(self) -> &'static str { match self { $(Kind::$variant => $word),* } }
            /// The name a learner knows it by.
            pub fn title(self) -> &'static str { match self { $(Kind::$variant => $title),* } }
            /// One line on what it is.
            pub fn about(self) -> &'static str { match self { $(Kind::$variant => $about),* } }
            pub fn from_word(word: &str) -> Option<Kind> {
                Kind::ALL.iter().copied().find(|k| k.word().eq_ignore_ascii_case(word))
            }
        }

        /// One replica's state, of any registered type.
        #[derive(Clone, Debug)]
        pub enum AnySet { $($variant($ty)),* }

        /// An op of any registered type.
        #[derive(Clone, Debug, PartialEq)]
        pub enum AnyOp { $($variant(<$ty as SetCrdt>::Op)),* }

        impl fmt::Display for AnyOp {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(AnyOp::$variant(op) => op.fmt(f)),* }
            }
        }

        impl AnySet {
            pub fn new(kind: Kind, replica: &Name) -> AnySet {
                match kind { $(Kind::$variant => AnySet::$variant(<$ty>::new(replica))),* }
            }
            pub fn kind(&self) -> Kind { match self { $(AnySet::$variant(_) => Kind::$variant),* } }
            pub fn prepare(&self, edit: &Edit, stamp: &Stamp) -> Result<Prepared<AnyOp>, Refusal> {
                match self { $(AnySet::$variant(s) => Ok(s.prepare(edit, stamp)?.map(AnyOp::$variant))),* }
            }
            /// Apply an op; an op of another type is refused and changes nothing.
            pub fn apply(&mut self, op: AnyOp) -> Result<(), Refusal> {
                match (self, op) {
                    $((AnySet::$variant(s), AnyOp::$variant(op)) => { s.apply(op); Ok(()) })*
                    #[allow(unreachable_patterns)]
                    _ => Err(Refusal::new("that op belongs to another set type")),
                }
            }
            /// Merge another replica of the same type; another type is refused.
            pub fn merge(&mut self, other: &AnySet) -> Result<(), Refusal> {
                match (self, other) {
                    $((AnySet::$variant(s), AnySet::$variant(o)) => { s.merge(o); Ok(()) })*
                    #[allow(unreachable_patterns)]
                    _ => Err(Refusal::new("replicas of different set types cannot merge")),
                }
            }
            pub fn contains(&self, elem: &Elem) -> bool { match self { $(AnySet::$variant(s) => s.contains(elem)),* } }
            pub fn elements(&self) -> Vec<Elem> { match self { $(AnySet::$variant(s) => s.elements()),* } }
            pub fn describe(&self) -> Vec<Field> { match self { $(AnySet::$variant(s) => s.describe()),* } }
            pub fn explain(&self, elem: &Elem) -> String { match self { $(AnySet::$variant(s) => s.explain(elem)),* } }
            pub fn meta_size(&self) -> usize { match self { $(AnySet::$variant(s) => s.meta_size()),* } }
            pub fn configure(&mut self, rules: &Rules) { match self { $(AnySet::$variant(s) => s.configure(rules)),* } }
        }
    };
}

registry! {
    Naive(Naive) = "naive", "naive set", "a plain set whose merge is union; not a CRDT (removed elements come back)";
    GSet(GSet) = "gset", "G-Set", "grow-only: add and merge by union, never remove";
    TwoPSet(TwoPSet) = "2pset", "2P-Set", "an add-set plus a tombstone set: remove wins, forever";
    Lww(Lww) = "lww", "LWW-Element-Set", "add and remove timestamps per element: the later one wins";
    OrSet(OrSet) = "orset", "OR-Set", "every add mints a tag; remove tombstones the tags it saw: add wins";
    Orswot(Orswot) = "orswot", "ORSWOT", "the OR-Set with dots and a version vector instead of tombstones";
    PnSet(PnSet) = "pnset", "PN-Set", "a counter per element, present while the count is above 0";
}

impl AnySet {
    /// The visible elements as `{a, b}`.
    pub fn visible(&self) -> Value {
        set_of(self.elements())
    }
    /// One field by its canonical name, or `elements` for the visible set.
    pub fn field(&self, name: &str) -> Option<Value> {
        if name == "elements" {
            return Some(self.visible());
        }
        self.describe()
            .into_iter()
            .find(|f| f.name == name)
            .map(|f| f.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_sort_before_strings_and_numerically() {
        let mut v: Vec<Elem> = ["x", "10", "2", "apple", "-1"]
            .iter()
            .map(|w| Elem::parse(w))
            .collect();
        v.sort();
        let shown: Vec<String> = v.iter().map(Elem::to_string).collect();
        assert_eq!(shown, ["-1", "2", "10", "apple", "x"]);
        assert_eq!(Elem::parse("007"), Elem::Str("007".into()));
    }

    #[test]
    fn tags_show_lowercase_name_and_counter() {
        assert_eq!(Tag::new(&"A".into(), 1).to_string(), "a1");
        assert_eq!(Tag::new(&"Alice".into(), 12).to_string(), "alice12");
    }

    #[test]
    fn stamps_order_by_time_then_replica_and_show_their_style() {
        let (a, b): (Name, Name) = ("A".into(), "B".into());
        assert!(Stamp::lamport(3, &a) < Stamp::lamport(3, &b));
        assert!(Stamp::lamport(3, &b) < Stamp::lamport(4, &a));
        assert_eq!(Stamp::at(7), Stamp::at(7));
        assert_eq!(Stamp::clock(12 * 3600 + 5).to_string(), "12:00:05");
        assert_eq!(Stamp::lamport(3, &a).to_string(), "3@A");
        assert_eq!(Stamp::at(7).to_string(), "7");
    }

    #[test]
    fn every_type_word_round_trips_and_mixed_types_refuse_to_merge() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_word(kind.word()), Some(*kind));
        }
        let name: Name = "A".into();
        let mut g = AnySet::new(Kind::GSet, &name);
        let o = AnySet::new(Kind::OrSet, &name);
        assert!(g.merge(&o).is_err());
    }

    #[test]
    fn merge_map_updates_drops_and_adds_in_one_walk() {
        let mut mine: BTreeMap<u32, u32> = [(1, 10), (3, 30), (5, 50)].into();
        let theirs: BTreeMap<u32, u32> = [(0, 1), (3, 33), (4, 4), (9, 0)].into();
        merge_map(
            &mut mine,
            &theirs,
            |k, v, w| {
                *v = (*v).max(w.copied().unwrap_or(0));
                *k != 5
            },
            |_, w| (*w > 0).then_some(*w),
        );
        assert_eq!(mine, [(0, 1), (1, 10), (3, 33), (4, 4)].into());
    }

    #[test]
    fn union_into_matches_btreeset_union_at_every_size() {
        for (n, m) in [(0, 3), (3, 0), (5, 100), (100, 5), (1000, 1000)] {
            let mut a: BTreeSet<u32> = (0..n).map(|i| i * 3).collect();
            let b: BTreeSet<u32> = (0..m).map(|i| i * 2).collect();
            let want: BTreeSet<u32> = a.union(&b).copied().collect();
            union_into(&mut a, &b);
            assert_eq!(a, want);
        }
    }
}

/// Helpers for the unit tests beside each type: replay seed tables in a few words.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    pub fn e(word: &str) -> Elem {
        Elem::parse(word)
    }
    pub fn set<T: SetCrdt>(name: &str) -> T {
        T::new(&name.into())
    }
    fn edit<T: SetCrdt>(s: &mut T, edit: Edit, stamp: &Stamp) {
        let prepared = s.prepare(&edit, stamp).expect("the edit is accepted");
        s.apply(prepared.op);
    }
    pub fn add<T: SetCrdt>(s: &mut T, word: &str) {
        edit(s, Edit::Add(e(word)), &Stamp::default());
    }
    pub fn remove<T: SetCrdt>(s: &mut T, word: &str) {
        edit(s, Edit::Remove(e(word)), &Stamp::default());
    }
    pub fn add_at<T: SetCrdt>(s: &mut T, word: &str, stamp: Stamp) {
        edit(s, Edit::Add(e(word)), &stamp);
    }
    pub fn remove_at<T: SetCrdt>(s: &mut T, word: &str, stamp: Stamp) {
        edit(s, Edit::Remove(e(word)), &stamp);
    }
    /// Both directions, from the states as they were before the sync.
    pub fn sync<T: SetCrdt>(a: &mut T, b: &mut T) {
        let a_before = a.clone();
        a.merge(b);
        b.merge(&a_before);
    }
    pub fn field<T: SetCrdt>(s: &T, name: &str) -> String {
        let found = s.describe().into_iter().find(|f| f.name == name);
        found.expect("the field exists").value.to_string()
    }
}
