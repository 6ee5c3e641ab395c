//! G-Set. Rule: add inserts; merge is union; remove is refused. Union is commutative,
//! associative and idempotent, so replicas always converge, but nothing can ever leave.

use super::{Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, scope, set_of};
use std::collections::BTreeSet;
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GSet {
    pub elements: BTreeSet<Elem>,
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
    fn fields(&self, elem: Option<&Elem>) -> Vec<Field> {
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
            format!("{elem} is present: it was added, and a G-Set never removes")
        } else {
            format!("{elem} is absent: no add of it has reached this replica")
        }
    }

    fn meta_size(&self) -> usize {
        self.elements.len()
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
    fn remove_is_refused_and_says_why() {
        let mut a = set::<GSet>("A");
        add(&mut a, "x");
        let refusal = a.prepare(&Edit::Remove(e("x")), &Stamp::default());
        assert!(refusal.unwrap_err().rule.contains("grow-only"));
        assert!(a.contains(&e("x")));
    }
}
