//! Naive set. Rule: add inserts, remove deletes locally, merge is union. It is NOT a CRDT:
//! a merge cannot tell "never had it" from "removed it", so removed elements come back (zombies).

use super::{Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, scope, set_of};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Naive {
    pub elements: BTreeSet<Elem>,
}

/// Its ops carry just the element.
pub use super::ElemOp as Op;

impl Naive {
    /// Its one field, over every element or only `elem`.
    fn fields(&self, elem: Option<&Elem>) -> Vec<Field> {
        let elements = set_of(self.elements.range(scope(elem)));
        vec![Field::new("elements", Role::Live, elements)]
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
            Edit::Remove(e) => Prepared::op(Op::Remove(e.clone())),
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

    fn contains(&self, elem: &Elem) -> bool {
        self.elements.contains(elem)
    }

    fn elements(&self) -> Vec<Elem> {
        self.elements.iter().cloned().collect()
    }

    fn describe(&self) -> Vec<Field> {
        self.fields(None)
    }

    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.fields(Some(elem))
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

    fn meta_size(&self) -> usize {
        self.elements.len()
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
}
