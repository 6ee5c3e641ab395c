//! 2P-Set. Rule: an add-set and a tombstone set, both grow-only; an element is present iff it
//! is in `added` and not in `removed`. Remove wins, forever: a removed element never comes back.
//! A remove of an element not in this replica's add-set is refused, or (`RemoveUnseen::Accept`)
//! tombstoned anyway, since the add may have been seen elsewhere.

use super::{
    Edit, Elem, Field, Name, Prepared, Refusal, RemoveUnseen, Role, Rules, SetCrdt, Stamp, Value,
    set_of,
};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TwoPSet {
    added: BTreeSet<Elem>,
    removed: BTreeSet<Elem>,
    remove_unseen: RemoveUnseen,
}

impl TwoPSet {
    /// Its state: the add-set and the remove-set (tombstones).
    pub fn fields(&self) -> (&BTreeSet<Elem>, &BTreeSet<Elem>) {
        (&self.added, &self.removed)
    }
    /// A replica holding these sets (e.g. a peer's state received over the wire, to merge),
    /// with the default rules.
    pub fn from_fields(added: BTreeSet<Elem>, removed: BTreeSet<Elem>) -> TwoPSet {
        TwoPSet {
            added,
            removed,
            ..TwoPSet::default()
        }
    }
}

/// Its ops carry just the element.
pub use super::ElemOp as Op;

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
            Edit::Remove(e)
                if !self.added.contains(e) && self.remove_unseen == RemoveUnseen::Refuse =>
            {
                Err(Refusal::new(format!(
                    "a 2P-Set can only remove what this replica has added, and {e} is not in its add-set"
                )))
            }
            Edit::Remove(e) if self.removed.contains(e) => Ok(Prepared::noted(
                Op::Remove(e.clone()),
                format!("{e} is already in the tombstone set"),
            )),
            Edit::Remove(e) if !self.added.contains(e) => Ok(Prepared::noted(
                Op::Remove(e.clone()),
                format!(
                    "{e} is not in this replica's add-set; it is tombstoned anyway (remove-unseen accept), so an add of {e} arriving later has no effect"
                ),
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

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.added.difference(&self.removed)
    }

    fn describe(&self) -> Vec<Field> {
        let keys = self.added.union(&self.removed);
        let map = keys
            .map(|e| {
                (
                    e.to_string(),
                    Value::Scalar(self.removed.contains(e).to_string()),
                )
            })
            .collect();
        vec![
            Field::new("added", Role::Live, set_of(&self.added)),
            Field::new("removed", Role::Removed, set_of(&self.removed)),
            Field::new("map", Role::Derived, Value::Map(map)),
        ]
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

    fn configure(&mut self, rules: &Rules) {
        self.remove_unseen = rules.remove_unseen;
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
        assert_eq!(s.fields(), (&BTreeSet::new(), &BTreeSet::new()));
    }

    /// The course's node (seed 000): a remove may arrive before its add; it is tombstoned, with a
    /// note, and the add that arrives later has no effect.
    #[test]
    fn with_remove_unseen_accept_a_remove_before_its_add_is_tombstoned_with_a_note() {
        let mut s = set::<TwoPSet>("A");
        s.configure(&Rules {
            remove_unseen: RemoveUnseen::Accept,
            ..Rules::default()
        });
        let p = s.prepare(&Edit::Remove(e("z")), &Stamp::default()).unwrap();
        assert!(p.note.unwrap().contains("not in this replica's add-set"));
        s.apply(p.op);
        assert_eq!(field(&s, "removed"), "{z}");
        let again = s.prepare(&Edit::Remove(e("z")), &Stamp::default()).unwrap();
        assert!(again.note.unwrap().contains("already in the tombstone set"));
        add(&mut s, "z");
        add(&mut s, "w");
        assert_eq!(field(&s, "map"), "{w: false, z: true}");
        assert_eq!(s.elements(), vec![e("w")]);
    }

    #[test]
    fn the_remove_rule_has_a_word_and_refuse_is_the_default() {
        assert_eq!(Rules::default().remove_unseen, RemoveUnseen::Refuse);
        assert_eq!(RemoveUnseen::Refuse.word(), "refuse");
        assert_eq!(RemoveUnseen::Accept.word(), "accept");
    }

    #[test]
    fn a_replica_rebuilt_from_its_fields_equals_the_original() {
        let mut a = set::<TwoPSet>("A");
        add(&mut a, "x");
        add(&mut a, "y");
        remove(&mut a, "x");
        let (added, removed) = a.fields();
        let copy = TwoPSet::from_fields(added.clone(), removed.clone());
        assert_eq!(copy, a);
        assert_eq!(copy.elements(), vec![e("y")]);
    }
}
