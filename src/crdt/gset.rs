//! G-Set. Rule: add inserts; merge is union; remove is refused. Union is commutative,
//! associative and idempotent, so replicas always converge, but nothing can ever leave.

use super::{Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, scope, set_of};
use std::collections::BTreeSet;
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GSet {
    elements: BTreeSet<Elem>,
}

impl GSet {
    /// Its state: the elements.
    pub fn fields(&self) -> &BTreeSet<Elem> {
        &self.elements
    }
    /// A replica holding `elements` (e.g. a peer's state received over the wire, to merge).
    pub fn from_fields(elements: BTreeSet<Elem>) -> GSet {
        GSet { elements }
    }
}

/// The only op a G-Set has.
#[derive(Clone, Debug, PartialEq)]
pub struct Op(pub Elem);

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "add {}", self.0)
    }
}

impl GSet {
    /// Its one field, over every element or only `elem`.
    fn described(&self, elem: Option<&Elem>) -> Vec<Field> {
        let elements = set_of(self.elements.range(scope(elem)));
        vec![Field::new("elements", Role::Live, elements)]
    }
}

impl SetCrdt for GSet {
    type Op = Op;

    fn new(_replica: &Name) -> Self {
        GSet::default()
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        match edit {
            Edit::Add(e) if self.elements.contains(e) => Ok(Prepared::noted(
                Op(e.clone()),
                format!("{e} is already in the G-Set"),
            )),
            Edit::Add(e) => Ok(Prepared::op(Op(e.clone()))),
            Edit::Remove(e) => Err(Refusal::new(format!(
                "a G-Set is grow-only: it has no remove, so {e} stays"
            ))),
        }
    }

    fn apply(&mut self, op: Op) {
        self.elements.insert(op.0);
    }

    fn merge(&mut self, other: &Self) {
        super::union_into(&mut self.elements, &other.elements);
    }

    fn merges_in_part(&self, _other: &Self) -> bool {
        true
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
            format!("{elem} is present: it was added, and a G-Set never removes")
        } else {
            format!("{elem} is absent: no add of it has reached this replica")
        }
    }

    fn metadata(&self) -> Vec<(&'static str, usize)> {
        vec![("elements", self.elements.len())]
    }

    fn carries(op: &Op) -> Vec<Field> {
        vec![Field::new("elements", Role::Live, set_of([&op.0]))]
    }

    fn subject(op: &Op) -> &Elem {
        &op.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, set, sync};

    /// Seed 002 §1: A adds apple, B adds banana, a sync gives {apple, banana} on both.
    #[test]
    fn apple_and_banana() {
        let (mut a, mut b) = (set::<GSet>("A"), set::<GSet>("B"));
        add(&mut a, "apple");
        add(&mut b, "banana");
        assert_eq!(a.elements(), vec![e("apple")]);
        assert_eq!(b.elements(), vec![e("banana")]);
        sync(&mut a, &mut b);
        assert_eq!(a.describe()[0].value.to_string(), "{apple, banana}");
        assert_eq!(b.elements(), a.elements());
    }

    #[test]
    fn a_replica_rebuilt_from_its_fields_merges_like_the_original() {
        let (mut a, mut b) = (set::<GSet>("A"), set::<GSet>("B"));
        add(&mut a, "x");
        add(&mut b, "y");
        let copy = GSet::from_fields(b.fields().clone());
        assert_eq!(copy, b);
        a.merge(&copy);
        assert_eq!(a.elements(), vec![e("x"), e("y")]);
    }

    #[test]
    fn remove_is_refused_and_says_why() {
        let mut a = set::<GSet>("A");
        add(&mut a, "x");
        let refusal = a.prepare(&Edit::Remove(e("x")), &Stamp::default());
        assert!(refusal.unwrap_err().rule.contains("grow-only"));
        assert!(a.contains(&e("x")));
    }
}
