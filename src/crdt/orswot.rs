//! ORSWOT, the optimized OR-Set. Rule: each element keeps the dots of its live adds, and a
//! version vector records every dot seen. A dot missing from an element but covered by the
//! other side's clock was removed there, so no tombstones are kept. Visibly the same as the OR-Set.

use super::{
    Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, Tag, Value, scope, tag_list,
    tag_map,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A dot is shown like a tag: `a1` is replica A's first add.
pub type Dot = Tag;

/// An element's live dots, sorted and distinct. Almost always one, so a small vector.
pub type Dots = Vec<Dot>;

#[derive(Clone, Debug, PartialEq)]
pub struct Orswot {
    me: Name,
    pub clock: BTreeMap<Name, u64>,
    pub entries: BTreeMap<Elem, Dots>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Add with a new dot; the element's dots seen by the adder are replaced.
    Add {
        elem: Elem,
        dot: Dot,
        replaces: BTreeSet<Dot>,
    },
    /// Remove the dots observed for the element.
    Remove(Elem, BTreeSet<Dot>),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Add { elem, dot, .. } => write!(f, "add {elem} with dot {dot}"),
            Op::Remove(e, dots) => write!(f, "remove {e}, dropping dots {{{}}}", tag_list(dots)),
        }
    }
}

impl Orswot {
    /// Its fields: the entries of every element or only `elem`, and the whole clock.
    fn fields(&self, elem: Option<&Elem>) -> Vec<Field> {
        let clock = self
            .clock
            .iter()
            .map(|(r, n)| (r.to_string(), Value::Scalar(n.to_string())));
        vec![
            Field::new(
                "entries",
                Role::Live,
                tag_map(self.entries.range(scope(elem))),
            ),
            Field::new("clock", Role::Meta, Value::Map(clock.collect())),
        ]
    }

    /// A replica rebuilt from fields received over the wire (e.g. to merge a peer's state).
    /// Empty dot sets are dropped, and the clock is raised to cover every dot in `entries`.
    pub fn from_fields(
        replica: &Name,
        clock: BTreeMap<Name, u64>,
        entries: BTreeMap<Elem, impl IntoIterator<Item = Dot>>,
    ) -> Orswot {
        let sorted = |dots: Dots| {
            let mut dots = dots;
            dots.sort();
            dots.dedup();
            dots
        };
        let entries: BTreeMap<Elem, Dots> = entries
            .into_iter()
            .map(|(e, dots)| (e, sorted(dots.into_iter().collect())))
            .filter(|(_, dots)| !dots.is_empty())
            .collect();
        let mut set = Orswot {
            me: replica.clone(),
            clock,
            entries: BTreeMap::new(),
        };
        entries.values().flatten().for_each(|d| set.observe(d));
        set.entries = entries;
        set
    }

    fn seen(clock: &BTreeMap<Name, u64>, dot: &Dot) -> bool {
        clock.get(&dot.replica).is_some_and(|n| *n >= dot.n)
    }
    fn observe(&mut self, dot: &Dot) {
        let n = self.clock.entry(dot.replica.clone()).or_default();
        *n = (*n).max(dot.n);
    }
    fn drop_dots(&mut self, elem: &Elem, dots: &BTreeSet<Dot>) {
        if let Some(mine) = self.entries.get_mut(elem) {
            mine.retain(|d| !dots.contains(d));
            if mine.is_empty() {
                self.entries.remove(elem);
            }
        }
    }
    fn dots(&self, elem: &Elem) -> BTreeSet<Dot> {
        self.entries
            .get(elem)
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

impl SetCrdt for Orswot {
    type Op = Op;

    fn new(replica: &Name) -> Self {
        Orswot {
            me: replica.clone(),
            clock: BTreeMap::new(),
            entries: BTreeMap::new(),
        }
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        Ok(match edit {
            Edit::Add(e) => {
                let n = self.clock.get(&self.me).copied().unwrap_or(0) + 1;
                Prepared::op(Op::Add {
                    elem: e.clone(),
                    dot: Tag::new(&self.me, n),
                    replaces: self.dots(e),
                })
            }
            Edit::Remove(e) if !self.entries.contains_key(e) => Prepared::noted(
                Op::Remove(e.clone(), BTreeSet::new()),
                format!("{e} has no dot here, so there is nothing to remove"),
            ),
            Edit::Remove(e) => Prepared::op(Op::Remove(e.clone(), self.dots(e))),
        })
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Add {
                elem,
                dot,
                replaces,
            } => {
                self.drop_dots(&elem, &replaces);
                if !Self::seen(&self.clock, &dot) {
                    self.observe(&dot);
                    let dots = self.entries.entry(elem).or_default();
                    if let Err(at) = dots.binary_search(&dot) {
                        dots.insert(at, dot);
                    }
                }
            }
            Op::Remove(elem, dots) => {
                self.drop_dots(&elem, &dots);
                dots.iter().for_each(|d| self.observe(d));
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        let Orswot { clock, entries, .. } = self;
        let unseen = |theirs: &Dots, clock: &BTreeMap<Name, u64>| -> Dots {
            theirs
                .iter()
                .filter(|d| !Self::seen(clock, d))
                .cloned()
                .collect()
        };
        super::merge_map(
            entries,
            &other.entries,
            |_, dots, theirs| {
                // Mine stay unless they saw the dot and dropped it; theirs join unless I saw and dropped it.
                let kept_by = |d: &Dot| theirs.is_some_and(|t| t.binary_search(d).is_ok());
                dots.retain(|d| kept_by(d) || !Self::seen(&other.clock, d));
                let new = theirs.map(|t| unseen(t, clock)).unwrap_or_default();
                if !new.is_empty() {
                    dots.extend(new);
                    dots.sort();
                    dots.dedup();
                }
                !dots.is_empty()
            },
            |_, theirs| Some(unseen(theirs, clock)).filter(|new| !new.is_empty()),
        );
        super::merge_map(
            clock,
            &other.clock,
            |_, n, m| {
                *n = (*n).max(m.copied().unwrap_or(0));
                true
            },
            |_, m| Some(*m),
        );
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.entries.contains_key(elem)
    }

    fn elements(&self) -> Vec<Elem> {
        self.entries.keys().cloned().collect()
    }

    fn describe(&self) -> Vec<Field> {
        self.fields(None)
    }

    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.fields(Some(elem))
    }

    fn same_state(&self, other: &Self) -> bool {
        (&self.clock, &self.entries) == (&other.clock, &other.entries)
    }

    fn explain(&self, elem: &Elem) -> String {
        let clock: Vec<String> = self.clock.iter().map(|(r, n)| format!("{r}:{n}")).collect();
        match self.entries.get(elem) {
            Some(dots) => format!(
                "{elem} is present: it holds the live dots {{{}}}",
                tag_list(dots)
            ),
            None if self.clock.is_empty() => {
                format!("{elem} is absent: it has never been added here")
            }
            None => format!(
                "{elem} is absent: it holds no dot, and any add of it covered by the clock {{{}}} has been removed",
                clock.join(", ")
            ),
        }
    }

    fn meta_size(&self) -> usize {
        self.entries.values().map(Vec::len).sum::<usize>() + self.clock.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, field, remove, set, sync};

    /// Seed 002 §3.4, run on the ORSWOT: the same add-wins result, with a clock instead of tombstones.
    #[test]
    fn add_wins_without_tombstones() {
        let (mut a, mut b) = (set::<Orswot>("A"), set::<Orswot>("B"));
        add(&mut a, "x");
        sync(&mut a, &mut b);
        remove(&mut a, "x");
        add(&mut b, "x");
        assert_eq!(field(&b, "entries"), "{x: {b1}}");
        sync(&mut a, &mut b);
        for r in [&a, &b] {
            assert_eq!(field(r, "entries"), "{x: {b1}}");
            assert_eq!(field(r, "clock"), "{A: 1, B: 1}");
        }
    }

    #[test]
    fn a_replica_rebuilt_from_its_fields_merges_like_the_original() {
        let (mut a, mut b) = (set::<Orswot>("A"), set::<Orswot>("B"));
        add(&mut a, "x");
        sync(&mut a, &mut b);
        add(&mut b, "y");
        remove(&mut b, "x");
        let copy = Orswot::from_fields(&"B".into(), b.clock.clone(), b.entries.clone());
        assert_eq!(copy, b);
        let mut via_copy = a.clone();
        via_copy.merge(&copy);
        a.merge(&b);
        assert_eq!(via_copy, a);
        assert_eq!(field(&a, "entries"), "{y: {b1}}");
    }

    #[test]
    fn a_received_dot_beyond_the_received_clock_raises_the_clock() {
        let dots = BTreeSet::from([Tag::new(&"B".into(), 3)]);
        let entries = BTreeMap::from([(e("x"), dots), (e("y"), BTreeSet::new())]);
        let s = Orswot::from_fields(&"B".into(), BTreeMap::new(), entries);
        assert_eq!(field(&s, "clock"), "{B: 3}");
        assert_eq!(s.elements(), vec![e("x")]);
    }

    #[test]
    fn a_removed_dot_is_not_resurrected_by_a_stale_replica() {
        let (mut a, mut b) = (set::<Orswot>("A"), set::<Orswot>("B"));
        add(&mut a, "x");
        sync(&mut a, &mut b);
        remove(&mut a, "x");
        a.merge(&b);
        assert!(
            !a.contains(&e("x")),
            "A's clock covers a1, so B's stale a1 was removed"
        );
        assert_eq!(a.meta_size(), 1, "only the clock entry A:1 is left");
    }
}
