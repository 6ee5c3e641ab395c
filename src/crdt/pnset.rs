//! PN-Set. Rule: a PN-counter per element (per-replica add and remove counts, merged by max);
//! present iff adds minus removes is above 0. Concurrent removes can push the count below 0,
//! and then a later add does not bring the element back: the anomaly this type exists to show.

use super::{Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, Value, scope};
use std::collections::BTreeMap;
use std::fmt;

/// One replica's counts for one element: how many adds and removes it made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub adds: u64,
    pub removes: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PnSet {
    me: Name,
    counts: BTreeMap<Elem, BTreeMap<Name, Counts>>,
}

/// An op sets one replica's count for one element to a new value (so applying it twice is harmless).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Add { elem: Elem, by: Name, adds: u64 },
    Remove { elem: Elem, by: Name, removes: u64 },
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Add { elem, by, adds } => write!(f, "add {elem} ({by}'s {} add)", nth(*adds)),
            Op::Remove { elem, by, removes } => {
                write!(f, "remove {elem} ({by}'s {} remove)", nth(*removes))
            }
        }
    }
}

/// `1st`, `2nd`, `3rd`, `4th` ... `11th`, `21st`.
fn nth(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

impl PnSet {
    /// Its state: each element's add and remove counts, per replica.
    pub fn fields(&self) -> &BTreeMap<Elem, BTreeMap<Name, Counts>> {
        &self.counts
    }

    /// A replica rebuilt from fields received over the wire (e.g. to merge a peer's state).
    pub fn from_fields(replica: &Name, counts: BTreeMap<Elem, BTreeMap<Name, Counts>>) -> PnSet {
        PnSet {
            me: replica.clone(),
            counts,
        }
    }

    /// Adds minus removes, over all replicas.
    pub fn total(&self, elem: &Elem) -> i64 {
        let per = self.counts.get(elem).into_iter().flat_map(BTreeMap::values);
        per.map(|c| c.adds as i64 - c.removes as i64).sum()
    }
    fn mine(&self, elem: &Elem) -> Counts {
        let per = self.counts.get(elem);
        per.and_then(|m| m.get(&self.me))
            .copied()
            .unwrap_or_default()
    }
    fn slot(&mut self, elem: Elem, by: Name) -> &mut Counts {
        self.counts.entry(elem).or_default().entry(by).or_default()
    }

    /// Its fields, over every element or only `elem`.
    fn described(&self, elem: Option<&Elem>) -> Vec<Field> {
        let counts = self.counts.range(scope(elem));
        let totals = counts
            .clone()
            .map(|(e, _)| (e.to_string(), Value::Scalar(self.total(e).to_string())));
        let per = counts.map(|(e, m)| {
            let cells = m.iter().map(|(r, c)| {
                (
                    r.to_string(),
                    Value::Scalar(format!("+{} -{}", c.adds, c.removes)),
                )
            });
            (e.to_string(), Value::Map(cells.collect()))
        });
        vec![
            Field::new("counts", Role::Live, Value::Map(totals.collect())),
            Field::new("per_replica", Role::Meta, Value::Map(per.collect())),
        ]
    }
}

impl SetCrdt for PnSet {
    type Op = Op;

    fn new(replica: &Name) -> Self {
        PnSet {
            me: replica.clone(),
            counts: BTreeMap::new(),
        }
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        let (by, mine) = (self.me.clone(), |e: &Elem| self.mine(e));
        Ok(match edit {
            Edit::Add(e) => {
                let op = Op::Add {
                    elem: e.clone(),
                    by,
                    adds: mine(e).adds + 1,
                };
                match self.total(e) {
                    t if t < 0 => Prepared::noted(
                        op,
                        format!(
                            "{e}'s count is {t}, so after this add it is {} and {e} stays absent",
                            t + 1
                        ),
                    ),
                    _ => Prepared::op(op),
                }
            }
            Edit::Remove(e) if self.total(e) <= 0 => Prepared::noted(
                Op::Remove {
                    elem: e.clone(),
                    by,
                    removes: mine(e).removes,
                },
                format!(
                    "{e} is not present here (count {}), so there is nothing to remove",
                    self.total(e)
                ),
            ),
            Edit::Remove(e) => Prepared::op(Op::Remove {
                elem: e.clone(),
                by,
                removes: mine(e).removes + 1,
            }),
        })
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Add { elem, by, adds } => {
                let c = self.slot(elem, by);
                c.adds = c.adds.max(adds);
            }
            // A noted remove that counts nothing must not leave an empty `+0 -0` row behind.
            Op::Remove { removes: 0, .. } => {}
            Op::Remove { elem, by, removes } => {
                let c = self.slot(elem, by);
                c.removes = c.removes.max(removes);
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        let max_counts = |_: &Name, mine: &mut Counts, theirs: &Counts| {
            mine.adds = mine.adds.max(theirs.adds);
            mine.removes = mine.removes.max(theirs.removes);
            true
        };
        super::merge_map(
            &mut self.counts,
            &other.counts,
            |_, mine, theirs| {
                super::merge_map(mine, theirs, max_counts, |_, c| Some(*c));
                true
            },
            |_, theirs| Some(theirs.clone()),
        );
    }

    fn merges_in_part(&self, _other: &Self) -> bool {
        true
    }

    fn merge_elems(&mut self, other: &Self, elems: &[Elem]) {
        self.merge(&PnSet {
            me: other.me.clone(),
            counts: super::part_of(&other.counts, elems),
        });
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.total(elem) > 0
    }

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.counts.keys().filter(|e| self.contains(e))
    }

    fn describe(&self) -> Vec<Field> {
        self.described(None)
    }

    fn merge_touches(&self, other: &Self) -> Option<Vec<Elem>> {
        let mut out = vec![];
        super::new_keys(&self.counts, &other.counts, PartialEq::eq, &mut out);
        Some(out)
    }
    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.described(Some(elem))
    }

    fn same_state(&self, other: &Self) -> bool {
        self.counts == other.counts
    }

    fn explain(&self, elem: &Elem) -> String {
        let Some(per) = self.counts.get(elem) else {
            return format!("{elem} is absent: it has never been added here");
        };
        let parts: Vec<String> = per
            .iter()
            .map(|(r, c)| format!("{r} +{} -{}", c.adds, c.removes))
            .collect();
        let total = self.total(elem);
        let is = if total > 0 { "present" } else { "absent" };
        let cmp = if total > 0 { "above" } else { "not above" };
        format!(
            "{elem} is {is}: its count is {total} ({}), {cmp} 0",
            parts.join(", ")
        )
    }

    fn metadata(&self) -> Vec<(&'static str, usize)> {
        let slots = self.counts.values().map(BTreeMap::len).sum();
        vec![("per-replica count pairs", slots)]
    }

    fn carries(op: &Op) -> Vec<Field> {
        let one = |e: &Elem, by: &Name, n: u64| {
            super::entry(e, super::entry(by, Value::Scalar(n.to_string())))
        };
        match op {
            Op::Add { elem, by, adds } => {
                vec![Field::new("adds", Role::Live, one(elem, by, *adds))]
            }
            Op::Remove { elem, by, removes } => {
                vec![Field::new(
                    "removes",
                    Role::Removed,
                    one(elem, by, *removes),
                )]
            }
        }
    }

    fn subject(op: &Op) -> &Elem {
        match op {
            Op::Add { elem, .. } | Op::Remove { elem, .. } => elem,
        }
    }

    /// Only the add counts, as a merge that forgets the remove side would ship them.
    fn adds_only(&self) -> Self {
        let mut copy = self.clone();
        copy.counts
            .values_mut()
            .flat_map(BTreeMap::values_mut)
            .for_each(|c| c.removes = 0);
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, field, remove, set, sync};

    /// Seed 003: x added once and synced; A and B both remove it; the merged count is -1,
    /// and a later add only brings it to 0, so x stays absent.
    #[test]
    fn concurrent_removes_go_negative_and_a_later_add_does_nothing() {
        let (mut a, mut b) = (set::<PnSet>("A"), set::<PnSet>("B"));
        add(&mut a, "x");
        sync(&mut a, &mut b);
        remove(&mut a, "x");
        remove(&mut b, "x");
        sync(&mut a, &mut b);
        assert_eq!(field(&a, "counts"), "{x: -1}");
        assert_eq!(field(&a, "per_replica"), "{x: {A: +1 -1, B: +0 -1}}");
        add(&mut a, "x");
        assert_eq!(field(&a, "counts"), "{x: 0}");
        assert!(!a.contains(&e("x")));
        assert_eq!(
            a.explain(&e("x")),
            "x is absent: its count is 0 (A +2 -1, B +0 -1), not above 0"
        );
    }

    #[test]
    fn a_replica_rebuilt_from_its_fields_equals_the_original() {
        let mut a = set::<PnSet>("A");
        add(&mut a, "x");
        remove(&mut a, "x");
        add(&mut a, "y");
        let copy = PnSet::from_fields(&"A".into(), a.fields().clone());
        assert_eq!(copy, a);
        assert_eq!(
            field(&copy, "per_replica"),
            "{x: {A: +1 -1}, y: {A: +1 -0}}"
        );
    }

    /// A remove of an element this replica never counted is a note: the counts stay as they were.
    #[test]
    fn removing_an_absent_element_changes_no_count() {
        let mut a = set::<PnSet>("A");
        let p = a.prepare(&Edit::Remove(e("x")), &Stamp::default()).unwrap();
        assert!(p.note.as_deref().unwrap().contains("nothing to remove"));
        a.apply(p.op);
        assert_eq!(field(&a, "counts"), "{}");
        assert_eq!(field(&a, "per_replica"), "{}");
        assert_eq!(a.meta_size(), 0);
    }

    #[test]
    fn ops_read_as_the_nth_add_or_remove_and_the_add_side_drops_removes() {
        let mut a = set::<PnSet>("A");
        add(&mut a, "x");
        let second = a.prepare(&Edit::Add(e("x")), &Stamp::default()).unwrap();
        assert_eq!(second.op.to_string(), "add x (A's 2nd add)");
        remove(&mut a, "x");
        assert_eq!(field(&a.adds_only(), "counts"), "{x: 1}");
        assert_eq!(field(&a, "counts"), "{x: 0}");
        assert_eq!(nth(11), "11th");
        assert_eq!(nth(21), "21st");
    }
}
