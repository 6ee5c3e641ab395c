//! 2P-Set. Rule: an add-set and a tombstone set, both grow-only; an element is present iff it
//! is in `added` and not in `removed`. Remove wins, forever: a removed element never comes back.

use super::{
    Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, Value, scope, set_of,
};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TwoPSet {
    pub added: BTreeSet<Elem>,
    pub removed: BTreeSet<Elem>,
}

/// Its ops carry just the element.
pub use super::ElemOp as Op;

impl TwoPSet {
    /// Its fields, over every element or only `elem`.
    fn fields(&self, elem: Option<&Elem>) -> Vec<Field> {
        let (added, removed) = (
            self.added.range(scope(elem)),
            self.removed.range(scope(elem)),
        );
        let keys: BTreeSet<&Elem> = added.clone().chain(removed.clone()).collect();
        let map = keys
            .into_iter()
            .map(|e| {
                (
                    e.to_string(),
                    Value::Scalar(self.removed.contains(e).to_string()),
                )
            })
            .collect();
        vec![
            Field::new("added", Role::Live, set_of(added)),
            Field::new("removed", Role::Removed, set_of(removed)),
            Field::new("map", Role::Derived, Value::Map(map)),
        ]
    }
}

impl SetCrdt for TwoPSet {
    type Op = Op;

    fn new(_replica: &Name) -> Self {
        TwoPSet::default()
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        match edit {
            Edit::Add(e) if self.removed.contains(e) => Ok(Prepared::noted(
                Op::Add(e.clone()),
                format!(
                    "{e} is in the tombstone set, so this add has no effect: a 2P-Set never brings a removed element back"
                ),
            )),
            Edit::Add(e) if self.added.contains(e) => Ok(Prepared::noted(
                Op::Add(e.clone()),
                format!("{e} is already in the add-set, so this add changes nothing"),
            )),
            Edit::Add(e) => Ok(Prepared::op(Op::Add(e.clone()))),
            Edit::Remove(e) if !self.added.contains(e) => Err(Refusal::new(format!(
                "a 2P-Set can only remove what this replica has added, and {e} is not in its add-set"
            ))),
            Edit::Remove(e) if self.removed.contains(e) => Ok(Prepared::noted(
                Op::Remove(e.clone()),
                format!("{e} is already in the tombstone set"),
            )),
            Edit::Remove(e) => Ok(Prepared::op(Op::Remove(e.clone()))),
        }
    }

    /// A remove delivered from elsewhere goes into the tombstones even unseen here: the remover saw the add.
    fn apply(&mut self, op: Op) {
        match op {
            Op::Add(e) => self.added.insert(e),
            Op::Remove(e) => self.removed.insert(e),
        };
    }

    fn merge(&mut self, other: &Self) {
        super::union_into(&mut self.added, &other.added);
        super::union_into(&mut self.removed, &other.removed);
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.added.contains(elem) && !self.removed.contains(elem)
    }

    fn elements(&self) -> Vec<Elem> {
        self.added.difference(&self.removed).cloned().collect()
    }

    fn describe(&self) -> Vec<Field> {
        self.fields(None)
    }

    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.fields(Some(elem))
    }

    fn same_state(&self, other: &Self) -> bool {
        (&self.added, &self.removed) == (&other.added, &other.removed)
    }

    fn explain(&self, elem: &Elem) -> String {
        match (self.added.contains(elem), self.removed.contains(elem)) {
            (true, false) => {
                format!("{elem} is present: it is in the add-set and not in the tombstone set")
            }
            (_, true) => format!(
                "{elem} is absent: it is in the tombstone set, and a 2P-Set tombstone is forever"
            ),
            (false, false) => format!("{elem} is absent: it has never been added here"),
        }
    }

    fn meta_size(&self) -> usize {
        self.added.len() + self.removed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, field, remove, set, sync};

    /// Seed 002 §3.2: A removes x while B re-adds it; after sync x is gone on both (remove wins).
    #[test]
    fn remove_wins_a_concurrent_add() {
        let (mut a, mut b) = (set::<TwoPSet>("A"), set::<TwoPSet>("B"));
        add(&mut a, "x");
        sync(&mut a, &mut b);
        remove(&mut a, "x");
        assert_eq!(
            (field(&a, "added"), field(&a, "removed")),
            ("{x}".into(), "{x}".into())
        );
        let note = b
            .prepare(&Edit::Add(e("x")), &Stamp::default())
            .unwrap()
            .note;
        assert!(note.unwrap().contains("already in the add-set"));
        add(&mut b, "x");
        assert_eq!(
            (field(&b, "added"), field(&b, "removed")),
            ("{x}".into(), "{}".into())
        );
        sync(&mut a, &mut b);
        for r in [&a, &b] {
            assert_eq!(
                (field(r, "added"), field(r, "removed")),
                ("{x}".into(), "{x}".into())
            );
            assert!(!r.contains(&e("x")));
        }
    }

    /// Seed 002 §3.2: add bob, remove bob, add bob again: lookup stays false.
    #[test]
    fn bob_can_never_come_back() {
        let mut s = set::<TwoPSet>("A");
        add(&mut s, "bob");
        assert!(s.contains(&e("bob")));
        remove(&mut s, "bob");
        assert!(!s.contains(&e("bob")));
        let again = s.prepare(&Edit::Add(e("bob")), &Stamp::default()).unwrap();
        assert!(again.note.unwrap().contains("never brings"));
        s.apply(again.op);
        assert_eq!(
            (field(&s, "added"), field(&s, "removed")),
            ("{bob}".into(), "{bob}".into())
        );
        assert!(!s.contains(&e("bob")));
    }

    /// Seed 004: Alice and Bob start with {2, 3}, both add 1, Alice deletes 1, merge: A={1,2,3}, R={1}, value {2,3}.
    #[test]
    fn alice_and_bob_lattice() {
        let (mut alice, mut bob) = (set::<TwoPSet>("alice"), set::<TwoPSet>("bob"));
        for s in [&mut alice, &mut bob] {
            add(s, "2");
            add(s, "3");
        }
        add(&mut alice, "1");
        add(&mut bob, "1");
        remove(&mut alice, "1");
        assert_eq!(field(&alice, "map"), "{1: true, 2: false, 3: false}");
        assert_eq!(field(&bob, "map"), "{1: false, 2: false, 3: false}");
        sync(&mut alice, &mut bob);
        assert_eq!(field(&alice, "added"), "{1, 2, 3}");
        assert_eq!(field(&alice, "removed"), "{1}");
        assert_eq!(alice.describe().len(), 3);
        assert_eq!(crate::crdt::set_of(alice.elements()).to_string(), "{2, 3}");
        assert_eq!(bob.elements(), alice.elements());
    }

    #[test]
    fn removing_a_never_added_element_is_refused_and_names_the_rule() {
        let s = set::<TwoPSet>("A");
        let err = s
            .prepare(&Edit::Remove(e("4")), &Stamp::default())
            .unwrap_err();
        assert!(
            err.rule
                .contains("can only remove what this replica has added")
        );
    }
}
