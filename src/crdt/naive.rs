//! Naive set. Rule: add inserts, remove deletes locally, merge is union. It is NOT a CRDT:
//! a merge cannot tell "never had it" from "removed it", so removed elements come back (zombies).

use super::{
    Arrival, Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, scope, set_of,
};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Naive {
    elements: BTreeSet<Elem>,
}

impl Naive {
    /// Its state: the elements.
    pub fn fields(&self) -> &BTreeSet<Elem> {
        &self.elements
    }
    /// A replica holding `elements` (e.g. a peer's state received over the wire, to merge).
    pub fn from_fields(elements: BTreeSet<Elem>) -> Naive {
        Naive { elements }
    }
}

/// Its ops carry just the element.
pub use super::ElemOp as Op;

impl Naive {
    /// Its one field, over every element or only `elem`.
    fn described(&self, elem: Option<&Elem>) -> Vec<Field> {
        let elements = set_of(self.elements.range(scope(elem)));
        vec![Field::new("elements", Role::Live, elements)]
    }
}

/// A set is written out in a remove's note while it holds at most this many elements; a bigger
/// one is named by its size, so the note costs the same at any size.
const NOTE_ELEMENTS: usize = 12;

impl Naive {
    /// The set before and after removing `e`, for the note.
    fn before_after(&self, e: &Elem) -> (String, String) {
        let n = self.elements.len();
        if n > NOTE_ELEMENTS {
            return (
                format!("the set of {n} elements with {e}"),
                format!("the {} without it", n - 1),
            );
        }
        let after = self.elements.iter().filter(|x| *x != e);
        (
            set_of(&self.elements).to_string(),
            set_of(after).to_string(),
        )
    }
}

impl SetCrdt for Naive {
    type Op = Op;

    fn new(_replica: &Name) -> Self {
        Naive::default()
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        Ok(match edit {
            Edit::Add(e) if self.elements.contains(e) => {
                Prepared::noted(Op::Add(e.clone()), format!("{e} is already in the set"))
            }
            Edit::Add(e) => Prepared::op(Op::Add(e.clone())),
            Edit::Remove(e) if !self.elements.contains(e) => {
                Prepared::noted(Op::Remove(e.clone()), format!("{e} is not in the set"))
            }
            Edit::Remove(e) => {
                let (before, after) = self.before_after(e);
                Prepared::noted(
                    Op::Remove(e.clone()),
                    format!(
                        "{before} is not a subset of {after}, so this remove moves the state down, which a merge (a union) cannot follow: any replica still holding {e} will bring it back"
                    ),
                )
            }
        })
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Add(e) => self.elements.insert(e),
            Op::Remove(e) => self.elements.remove(&e),
        };
    }

    fn merge(&mut self, other: &Self) {
        super::union_into(&mut self.elements, &other.elements);
    }

    fn merges_in_part(&self, _other: &Self) -> bool {
        true
    }

    fn grows_only(&self) -> bool {
        false
    }

    fn merge_elems(&mut self, other: &Self, elems: &[Elem]) {
        let part = super::part_of_set(&other.elements, elems);
        super::union_into(&mut self.elements, &part);
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.elements.contains(elem)
    }

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.elements.iter()
    }

    fn describe(&self) -> Vec<Field> {
        self.described(None)
    }

    fn merge_touches(&self, other: &Self) -> Option<Vec<Elem>> {
        let mut out = vec![];
        super::new_items(&self.elements, &other.elements, &mut out);
        Some(out)
    }
    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.described(Some(elem))
    }

    fn same_state(&self, other: &Self) -> bool {
        self.elements == other.elements
    }

    fn explain(&self, elem: &Elem) -> String {
        if self.contains(elem) {
            format!(
                "{elem} is present: it is in the plain set, and any merge with a replica that still holds it keeps it there"
            )
        } else {
            format!(
                "{elem} is absent: it is not in the plain set, but nothing records a removal, so a merge with a replica that has it brings it back"
            )
        }
    }

    fn metadata(&self) -> Vec<(&'static str, usize)> {
        vec![("elements", self.elements.len())]
    }

    fn carries(op: &Op) -> Vec<Field> {
        match op {
            Op::Add(e) => vec![Field::new("add", Role::Live, set_of([e]))],
            Op::Remove(e) => vec![Field::new("remove", Role::Removed, set_of([e]))],
        }
    }

    fn subject(op: &Op) -> &Elem {
        match op {
            Op::Add(e) | Op::Remove(e) => e,
        }
    }

    fn arrival(&self, op: &Op) -> Arrival {
        match op {
            Op::Remove(e) if !self.elements.contains(e) => Arrival::Early(format!(
                "a plain set has nowhere to keep a remove of {e}, which it does not hold: the remove does nothing, and the add that comes later makes {e} present"
            )),
            _ => Arrival::Ready,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, remove, set};

    /// Seed 002 §2: both hold {x}; A removes x; a union merge brings x back on both.
    #[test]
    fn zombie_re_add() {
        let (mut a, mut b) = (set::<Naive>("A"), set::<Naive>("B"));
        add(&mut a, "x");
        b.merge(&a);
        remove(&mut a, "x");
        assert_eq!(a.elements(), vec![]);
        assert_eq!(b.elements(), vec![e("x")]);
        let a_before = a.clone();
        a.merge(&b);
        b.merge(&a_before);
        assert_eq!(a.elements(), vec![e("x")], "x is back on A: a zombie");
        assert_eq!(b.elements(), vec![e("x")]);
    }

    /// Seed 004: Alice and Bob start with {2, 3}; both add 1; Alice deletes 1; union gives {1, 2, 3}.
    #[test]
    fn alice_and_bob_union_keeps_the_deleted_one() {
        let (mut alice, mut bob) = (set::<Naive>("alice"), set::<Naive>("bob"));
        for s in [&mut alice, &mut bob] {
            add(s, "2");
            add(s, "3");
        }
        add(&mut alice, "1");
        add(&mut bob, "1");
        remove(&mut alice, "1");
        alice.merge(&bob);
        assert_eq!(alice.describe()[0].value.to_string(), "{1, 2, 3}");
    }

    /// Seed 004: deleting 1 from {1, 2, 3} gives {2, 3}, and {1, 2, 3} is not a subset of {2, 3}.
    #[test]
    fn a_remove_says_it_moves_the_state_down() {
        let mut s = set::<Naive>("alice");
        for x in ["1", "2", "3"] {
            add(&mut s, x);
        }
        let p = s.prepare(&Edit::Remove(e("1")), &Stamp::default()).unwrap();
        assert!(
            p.note
                .unwrap()
                .starts_with("{1, 2, 3} is not a subset of {2, 3}"),
        );
        assert!(matches!(s.arrival(&Op::Remove(e("9"))), Arrival::Early(_)));
    }

    /// A remove from a big set names the sets by size in its note instead of listing them.
    #[test]
    fn a_remove_from_a_big_set_names_the_sets_by_size() {
        let mut s = set::<Naive>("A");
        (0..20).for_each(|k| add(&mut s, &format!("e{k}")));
        let prepared = s
            .prepare(&Edit::Remove(e("e3")), &Stamp::default())
            .unwrap();
        assert!(
            prepared.note.as_deref().is_some_and(|n| n.starts_with(
                "the set of 20 elements with e3 is not a subset of the 19 without it"
            )),
            "{:?}",
            prepared.note
        );
    }
}
