//! ORSWOT, the optimized OR-Set. Rule: each element keeps the dots of its live adds, and a
//! version vector records every dot seen. A dot missing from an element but covered by the
//! other side's clock was removed there, so no tombstones are kept. Visibly the same as the OR-Set.

use super::{
    Arrival, Edit, Elem, Field, Mistake, Name, Prepared, Refusal, Role, Rules, SetCrdt, Stamp, Tag,
    Value, scope, set_of, tag_list, tag_map,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A dot is shown like a tag: `a1` is replica A's first add.
pub type Dot = Tag;

/// An element's live dots, sorted and distinct. Almost always one, so a small vector.
pub type Dots = smallvec::SmallVec<[Dot; 1]>;

#[derive(Clone, Debug, PartialEq)]
pub struct Orswot {
    me: Name,
    clock: Clock,
    entries: BTreeMap<Elem, Dots>,
    /// The reuse-tags mistake: a re-add takes this replica's last dot again, and an add ignores the clock.
    reuse_tags: bool,
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
            Op::Add {
                elem,
                dot,
                replaces,
            } if replaces.is_empty() => write!(f, "add {elem} {dot}"),
            Op::Add {
                elem,
                dot,
                replaces,
            } => write!(f, "add {elem} {dot} replacing {{{}}}", tag_list(replaces)),
            Op::Remove(e, dots) => write!(f, "remove {e} {{{}}}", tag_list(dots)),
        }
    }
}

impl Orswot {
    /// Its state: each element's live dots, and the clock.
    pub fn fields(&self) -> (&BTreeMap<Elem, Dots>, &Clock) {
        (&self.entries, &self.clock)
    }

    /// Its fields: the entries of every element or only `elem`, and the whole clock.
    fn described(&self, elem: Option<&Elem>) -> Vec<Field> {
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
            reuse_tags: false,
        };
        entries.values().flatten().for_each(|d| set.observe(d));
        set.entries = entries;
        set
    }

    /// Whether the peer's clock names a replica whose dots I hold, so a merge may drop some.
    fn may_cover(&self, other: &Orswot) -> bool {
        other
            .clock
            .iter()
            .any(|(r, n)| *n > 0 && self.clock.get(r).is_some_and(|m| *m > 0))
    }
    fn seen(clock: &Clock, dot: &Dot) -> bool {
        clock.get(&dot.replica).is_some_and(|n| *n >= dot.n)
    }
    /// An element of mine they lack keeps only the dots their clock has not seen (the others
    /// they saw added, and dropped): whether any is left.
    fn keep_unseen(dots: &mut Dots, clock: &Clock) -> bool {
        dots.retain(|d| !Self::seen(clock, d));
        !dots.is_empty()
    }
    fn observe(&mut self, dot: &Dot) {
        let n = self.clock.entry(dot.replica.clone()).or_default();
        *n = (*n).max(dot.n);
    }
    /// The merge of their entries and clock. My elements they lack lose the dots their clock
    /// covers, visited only when `visit_mine` and their clock names a replica whose dots I may
    /// hold. When it names none, neither side has seen a dot of the other's: the join is the union.
    fn join(&mut self, other: &Self, visit_mine: bool) {
        let may_cover_mine = self.may_cover(other);
        let Orswot { clock, entries, .. } = self;
        if may_cover_mine {
            let mine_seen = &*clock;
            let both = |_: &Elem, dots: &mut Dots, theirs: &Dots| {
                dots.retain(|d| theirs.binary_search(d).is_ok() || !Self::seen(&other.clock, d));
                let kept = dots.len();
                let new = theirs.iter().filter(|d| !Self::seen(mine_seen, d));
                dots.extend(new.cloned());
                if dots.len() > kept {
                    dots.sort();
                }
                !dots.is_empty()
            };
            let fresh = |_: &Elem, theirs: &Dots| {
                let new = theirs.iter().filter(|d| !Self::seen(mine_seen, d));
                Some(new.cloned().collect::<Dots>()).filter(|new| !new.is_empty())
            };
            if visit_mine {
                super::join_map(entries, &other.entries, both, fresh, |_, dots| {
                    Self::keep_unseen(dots, &other.clock)
                });
            } else {
                super::merge_map(entries, &other.entries, both, fresh);
            }
        } else {
            // No dot of either side is covered by the other's clock: keep every one.
            super::merge_map(
                entries,
                &other.entries,
                |_, dots, theirs| {
                    *dots = union_of(std::mem::take(dots), theirs);
                    true
                },
                |_, theirs| Some(theirs.clone()),
            );
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

    fn drop_dots(&mut self, elem: &Elem, dots: &BTreeSet<Dot>) {
        if let Some(mine) = self.entries.get_mut(elem) {
            mine.retain(|d| !dots.contains(d));
            if mine.is_empty() {
                self.entries.remove(elem);
            }
        }
    }
    /// The dot an add gets: the next of this replica's counter, or under the reuse-tags mistake its last one.
    fn next_dot(&self) -> Dot {
        let n = self.clock.get(&self.me).copied().unwrap_or(0);
        let n = if self.reuse_tags && n > 0 { n } else { n + 1 };
        Tag::new(&self.me, n)
    }
    fn unseen<'a>(&self, dots: &'a BTreeSet<Dot>) -> Vec<&'a Dot> {
        dots.iter()
            .filter(|d| !Self::seen(&self.clock, d))
            .collect()
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

/// Two sorted runs of dots with none in common, as one, in a vector of just the room it needs
/// (growing `mine` in place would reallocate it, and it is almost always a single dot).
fn union_of(mine: Dots, theirs: &[Dot]) -> Dots {
    let mut all = Dots::with_capacity(mine.len() + theirs.len());
    let mut theirs = theirs.iter().peekable();
    for dot in mine {
        while let Some(t) = theirs.next_if(|t| **t < dot) {
            all.push(t.clone());
        }
        all.push(dot);
    }
    all.extend(theirs.cloned());
    all
}

impl SetCrdt for Orswot {
    type Op = Op;

    fn new(replica: &Name) -> Self {
        Orswot {
            me: replica.clone(),
            clock: BTreeMap::new(),
            entries: BTreeMap::new(),
            reuse_tags: false,
        }
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        Ok(match edit {
            Edit::Add(e) => Prepared::op(Op::Add {
                elem: e.clone(),
                dot: self.next_dot(),
                replaces: self.dots(e),
            }),
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
                // The replaced dots count as seen, so they cannot come back when they arrive.
                self.drop_dots(&elem, &replaces);
                replaces.iter().for_each(|d| self.observe(d));
                if self.reuse_tags || !Self::seen(&self.clock, &dot) {
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
    /// element only I hold loses the dots their clock covers (they saw the add, and dropped it).
    fn merge(&mut self, other: &Self) {
        self.join(other, true);
    }

    /// Not under the reuse-tags mistake, which can give one dot to two elements.
    fn merges_in_part(&self, other: &Self) -> bool {
        !self.reuse_tags && !other.reuse_tags
    }

    /// Their entries for `elems`, and mine among `elems` that they lack lose the dots their
    /// clock covers; my other elements are not visited (the lab calls this only when they
    /// hold nothing new for those), and the clocks join whole.
    fn merge_elems(&mut self, other: &Self, elems: &[Elem]) {
        for e in elems.iter().filter(|e| !other.entries.contains_key(*e)) {
            if let Some(dots) = self.entries.get_mut(e)
                && !Self::keep_unseen(dots, &other.clock)
            {
                self.entries.remove(e);
            }
        }
        let part = Orswot {
            me: other.me.clone(),
            clock: other.clock.clone(),
            entries: super::part_of(&other.entries, elems),
            reuse_tags: false,
        };
        self.join(&part, false);
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.entries.contains_key(elem)
    }

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.entries.keys()
    }

    fn describe(&self) -> Vec<Field> {
        self.described(None)
    }

    /// The peer's entries that differ from mine, and mine that its clock covers but it lacks
    /// (found by the same walk the merge takes, and only when the merge takes it).
    fn merge_touches(&self, other: &Self) -> Option<Vec<Elem>> {
        let mut out = vec![];
        super::new_keys(&self.entries, &other.entries, PartialEq::eq, &mut out);
        if self.may_cover(other) {
            let mut walk = other.entries.keys().peekable();
            for (e, dots) in &self.entries {
                while walk.next_if(|t| *t < e).is_some() {}
                if walk.peek() != Some(&e) && dots.iter().any(|d| Self::seen(&other.clock, d)) {
                    out.push(e.clone());
                }
            }
        }
        Some(out)
    }
    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.described(Some(elem))
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

    fn metadata(&self) -> Vec<(&'static str, usize)> {
        vec![
            (
                "live dots",
                self.entries.values().map(|dots| dots.len()).sum::<usize>(),
            ),
            ("clock entries", self.clock.len()),
        ]
    }

    fn configure(&mut self, rules: &Rules) {
        self.reuse_tags = rules.mistake == Mistake::ReuseTags;
    }

    fn carries(op: &Op) -> Vec<Field> {
        match op {
            Op::Add {
                elem,
                dot,
                replaces,
            } => {
                let mut fields = vec![Field::new(
                    "entries",
                    Role::Live,
                    super::entry(elem, set_of([dot])),
                )];
                if !replaces.is_empty() {
                    let old = super::entry(elem, set_of(replaces));
                    fields.push(Field::new("replaces", Role::Removed, old));
                }
                fields
            }
            Op::Remove(e, dots) => vec![Field::new(
                "drops",
                Role::Removed,
                super::entry(e, set_of(dots)),
            )],
        }
    }

    fn subject(op: &Op) -> &Elem {
        match op {
            Op::Add { elem, .. } | Op::Remove(elem, _) => elem,
        }
    }

    /// The clock can only say "every dot up to n", so an op waits until every dot it names, and
    /// every earlier dot of its own replica, has arrived: there are no tombstones to hold it meanwhile.
    fn arrival(&self, op: &Op) -> Arrival {
        let (dots, what) = match op {
            Op::Add { dot, .. }
                if dot.n > 1 && !Self::seen(&self.clock, &Tag::new(&dot.replica, dot.n - 1)) =>
            {
                let before = Tag::new(&dot.replica, dot.n - 1);
                return Arrival::Wait(format!(
                    "its dot {dot} comes after {before}, which has not arrived here; the clock counts each replica's dots with no gaps, so {dot} waits"
                ));
            }
            Op::Add { replaces, .. } => (self.unseen(replaces), "replaces"),
            Op::Remove(_, dots) => (self.unseen(dots), "drops"),
        };
        if dots.is_empty() {
            return Arrival::Ready;
        }
        let list = tag_list(dots);
        Arrival::Wait(format!(
            "it {what} {{{list}}}, which has not arrived here; an ORSWOT keeps no tombstone to remember that, so it waits until {{{list}}} has come"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, field, op, remove, set, sync};

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

    /// Replicas that never met (neither clock covers a dot of the other's) merge to the union
    /// of their dots, each element's sorted, both ways round.
    #[test]
    fn replicas_that_never_met_merge_to_the_union_of_their_dots() {
        let (mut a, mut b) = (set::<Orswot>("A"), set::<Orswot>("B"));
        for x in ["x", "y"] {
            add(&mut a, x);
        }
        for x in ["z", "y"] {
            add(&mut b, x);
        }
        let first_a = a.clone();
        a.merge(&b);
        b.merge(&first_a);
        for r in [&a, &b] {
            assert_eq!(field(r, "entries"), "{x: {a1}, y: {a2, b2}, z: {b1}}");
            assert_eq!(field(r, "clock"), "{A: 2, B: 2}");
        }
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

    /// The core defect: a delivered add that replaces a dot the receiver has not seen must count
    /// that dot as seen, or the dot comes back when its own add arrives.
    #[test]
    fn a_replaced_dot_that_arrives_later_does_not_come_back() {
        let (mut a, mut b, mut c) = (set::<Orswot>("A"), set::<Orswot>("B"), set::<Orswot>("C"));
        let add_a1 = op(&mut a, Edit::Add(e("x")));
        b.apply(add_a1.clone());
        let add_b1 = op(&mut b, Edit::Add(e("x")));
        assert!(matches!(c.arrival(&add_b1), Arrival::Wait(why) if why.contains("replaces {a1}")));
        c.apply(add_b1);
        c.apply(add_a1);
        assert_eq!(field(&c, "entries"), "{x: {b1}}");
        assert_eq!(c.describe(), b.describe());
    }

    /// Without tombstones, an op waits for every dot it names and every earlier dot of its replica.
    #[test]
    fn ops_wait_for_the_dots_they_depend_on() {
        let mut a = set::<Orswot>("A");
        let add_x = op(&mut a, Edit::Add(e("x")));
        let add_y = op(&mut a, Edit::Add(e("y")));
        let remove_x = op(&mut a, Edit::Remove(e("x")));
        let b = set::<Orswot>("B");
        assert!(
            matches!(b.arrival(&add_y), Arrival::Wait(why) if why.contains("a2 comes after a1"))
        );
        assert!(matches!(b.arrival(&remove_x), Arrival::Wait(why) if why.contains("drops {a1}")));
        assert_eq!(b.arrival(&add_x), Arrival::Ready);
        assert_eq!(
            a.arrival(&add_y),
            Arrival::Ready,
            "a duplicate is ready, and changes nothing"
        );
    }
}
