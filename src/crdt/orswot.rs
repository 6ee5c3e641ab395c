//! ORSWOT, the optimized OR-Set. Rule: each element keeps the dots of its live adds, and a
//! version vector records every dot seen. A dot missing from an element but covered by the
//! other side's clock was removed there, so no tombstones are kept. Visibly the same as the OR-Set.

use super::{
    Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, Tag, Value, tag_list, tag_map,
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
    clock: Clock,
    entries: BTreeMap<Elem, Dots>,
}

/// A version vector: the highest counter seen from each replica.
pub type Clock = BTreeMap<Name, u64>;

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
    /// Its state: each element's live dots, and the clock.
    pub fn fields(&self) -> (&BTreeMap<Elem, Dots>, &Clock) {
        (&self.entries, &self.clock)
    }

    /// A replica rebuilt from fields received over the wire (e.g. to merge a peer's state).
    /// Empty dot sets are dropped, and the clock is raised to cover every dot in `entries`.
    pub fn from_fields(
        replica: &Name,
        entries: BTreeMap<Elem, impl IntoIterator<Item = Dot>>,
        clock: Clock,
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

    fn seen(clock: &Clock, dot: &Dot) -> bool {
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

    /// Per element: keep my dots they also hold or never saw, and add theirs I never saw. An
    /// element only I hold loses the dots their clock covers (they saw the add, and dropped it),
    /// so it is visited only when their clock names a replica whose dots I may hold.
    fn merge(&mut self, other: &Self) {
        let may_cover_mine = other
            .clock
            .iter()
            .any(|(r, n)| *n > 0 && self.clock.get(r).is_some_and(|m| *m > 0));
        let Orswot { clock, entries, .. } = self;
        let unseen = |theirs: &Dots, clock: &Clock| -> Dots {
            let new = theirs.iter().filter(|d| !Self::seen(clock, d));
            new.cloned().collect()
        };
        super::merge_map(
            entries,
            &other.entries,
            |_, dots, theirs| {
                dots.retain(|d| theirs.binary_search(d).is_ok() || !Self::seen(&other.clock, d));
                let new = unseen(theirs, clock);
                if !new.is_empty() {
                    dots.extend(new);
                    dots.sort();
                    dots.dedup();
                }
                !dots.is_empty()
            },
            |_, theirs| Some(unseen(theirs, clock)).filter(|new| !new.is_empty()),
        );
        if may_cover_mine {
            super::retain_unshared(entries, &other.entries, |_, dots| {
                dots.retain(|d| !Self::seen(&other.clock, d));
                !dots.is_empty()
            });
        }
        super::merge_map(
            clock,
            &other.clock,
            |_, n, m| {
                *n = (*n).max(*m);
                true
            },
            |_, m| Some(*m),
        );
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.entries.contains_key(elem)
    }

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.entries.keys()
    }

    fn describe(&self) -> Vec<Field> {
        let clock = self
            .clock
            .iter()
            .map(|(r, n)| (r.to_string(), Value::Scalar(n.to_string())));
        vec![
            Field::new("entries", Role::Live, tag_map(&self.entries)),
            Field::new("clock", Role::Meta, Value::Map(clock.collect())),
        ]
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
        let (entries, clock) = b.fields();
        let copy = Orswot::from_fields(&"B".into(), entries.clone(), clock.clone());
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
        let s = Orswot::from_fields(&"B".into(), entries, Clock::new());
        assert_eq!(field(&s, "clock"), "{B: 3}");
        assert_eq!(s.elements(), vec![e("x")]);
    }

    /// A small state merged into a large one: the few elements it names are looked up, but an
    /// element it does not name still loses the dots its clock covers, and keeps the others.
    #[test]
    fn a_small_peer_state_drops_every_dot_its_clock_covers() {
        let mut a = set::<Orswot>("A");
        for i in 0..1000 {
            add(&mut a, &format!("e{i}"));
        }
        add(&mut a, "late");
        // B saw A's first 1000 adds and kept only e7; A's 1001st add (late) is news to B.
        let dots = BTreeMap::from([(e("e7"), vec![Tag::new(&"A".into(), 8)])]);
        let clock = Clock::from([("A".into(), 1000)]);
        a.merge(&Orswot::from_fields(&"B".into(), dots, clock));
        assert_eq!(a.elements(), vec![e("e7"), e("late")]);
        assert_eq!(field(&a, "entries"), "{e7: {a8}, late: {a1001}}");

        // A peer whose clock covers none of A's dots removes nothing.
        let dots = BTreeMap::from([(e("c"), vec![Tag::new(&"C".into(), 1)])]);
        let clock = Clock::from([("C".into(), 1)]);
        a.merge(&Orswot::from_fields(&"C".into(), dots, clock));
        assert_eq!(a.elements(), vec![e("c"), e("e7"), e("late")]);
        assert_eq!(field(&a, "clock"), "{A: 1001, C: 1}");
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
