//! 2P-Set. Rule: an add-set and a tombstone set, both grow-only; an element is present iff it
//! is in `added` and not in `removed`. Remove wins, forever: a removed element never comes back.
//! A remove of an element not in this replica's add-set is refused, or (`RemoveUnseen::Accept`)
//! tombstoned anyway, since the add may have been seen elsewhere.
//! Seen as a map (element → removed?), false ≤ true, so an entry may only move from false to true.

use super::{
    Arrival, Edit, Elem, Field, Name, Prepared, Refusal, RemoveUnseen, Role, Rules, SetCrdt, Stamp,
    Value, scope, set_of,
};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TwoPSet {
    added: BTreeSet<Elem>,
    removed: BTreeSet<Elem>,
    /// What a remove of an element the add-set lacks does.
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

impl TwoPSet {
    /// Its fields, over every element or only `elem`.
    fn described(&self, elem: Option<&Elem>) -> Vec<Field> {
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
            Edit::Remove(e) if self.removed.contains(e) => Ok(Prepared::noted(
                Op::Remove(e.clone()),
                format!("{e} is already in the tombstone set"),
            )),
            Edit::Remove(e) if self.added.contains(e) => Ok(Prepared::op(Op::Remove(e.clone()))),
            Edit::Remove(e) => match self.remove_unseen {
                RemoveUnseen::Refuse => Err(Refusal::new(format!(
                    "a 2P-Set can only remove what is in this replica's add-set, and {e} is not in it (the rule remove-unseen is refuse)"
                ))),
                RemoveUnseen::Accept => Ok(Prepared::noted(
                    Op::Remove(e.clone()),
                    format!(
                        "{e} is not in the add-set, but under remove-unseen accept its tombstone is kept anyway: {e} is banned before it was ever added"
                    ),
                )),
            },
        }
    }

    /// A remove delivered before its add goes into the tombstones all the same. Under
    /// remove-unseen refuse it brings the element into the add-set too: a remove is only ever
    /// made where the add-set holds the element, so the remover's state had it there.
    fn apply(&mut self, op: Op) {
        match op {
            Op::Add(e) => {
                self.added.insert(e);
            }
            Op::Remove(e) => {
                if self.remove_unseen == RemoveUnseen::Refuse && !self.added.contains(&e) {
                    self.added.insert(e.clone());
                }
                self.removed.insert(e);
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        super::union_into(&mut self.added, &other.added);
        super::union_into(&mut self.removed, &other.removed);
    }

    fn merges_in_part(&self, _other: &Self) -> bool {
        true
    }

    fn merge_elems(&mut self, other: &Self, elems: &[Elem]) {
        super::union_into(&mut self.added, &super::part_of_set(&other.added, elems));
        super::union_into(
            &mut self.removed,
            &super::part_of_set(&other.removed, elems),
        );
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.added.contains(elem) && !self.removed.contains(elem)
    }

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.added.difference(&self.removed)
    }

    fn describe(&self) -> Vec<Field> {
        self.described(None)
    }

    fn merge_touches(&self, other: &Self) -> Option<Vec<Elem>> {
        let mut out = vec![];
        super::new_items(&self.added, &other.added, &mut out);
        super::new_items(&self.removed, &other.removed, &mut out);
        Some(out)
    }
    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.described(Some(elem))
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

    fn metadata(&self) -> Vec<(&'static str, usize)> {
        vec![("added", self.added.len()), ("removed", self.removed.len())]
    }

    fn configure(&mut self, rules: &Rules) {
        self.remove_unseen = rules.remove_unseen;
    }

    fn carries(op: &Op) -> Vec<Field> {
        match op {
            Op::Add(e) => vec![Field::new("added", Role::Live, set_of([e]))],
            Op::Remove(e) => vec![Field::new("removed", Role::Removed, set_of([e]))],
        }
    }

    fn subject(op: &Op) -> &Elem {
        match op {
            Op::Add(e) | Op::Remove(e) => e,
        }
    }

    fn arrival(&self, op: &Op) -> Arrival {
        match (op, self.remove_unseen) {
            (Op::Remove(e), _) if self.added.contains(e) => Arrival::Ready,
            (Op::Remove(e), RemoveUnseen::Refuse) => Arrival::Early(format!(
                "a remove is only made where the add-set holds {e}, so it brings {e} into this add-set along with the tombstone, and the add that comes later changes nothing"
            )),
            (Op::Remove(e), RemoveUnseen::Accept) => Arrival::Early(format!(
                "under remove-unseen accept a tombstone needs no add, so it is kept now and the add of {e} that comes later has no effect"
            )),
            (Op::Add(_), _) => Arrival::Ready,
        }
    }

    /// Only the add-set, as a merge that forgets the tombstones would ship it.
    fn adds_only(&self) -> Self {
        TwoPSet {
            added: self.added.clone(),
            removed: BTreeSet::new(),
            remove_unseen: self.remove_unseen,
        }
    }

    /// The map view written directly: false → true is a remove, a new key at false an add, and
    /// true → false is refused, since it would move the entry down (false ≤ true).
    fn prepare_set(&self, elem: &Elem, removed: bool) -> Result<Prepared<Op>, Refusal> {
        let now = match (self.added.contains(elem), self.removed.contains(elem)) {
            (_, true) => Some(true),
            (true, false) => Some(false),
            (false, false) => None,
        };
        match (now, removed) {
            (Some(true), false) => Err(Refusal::new(format!(
                "non-monotonic update: true → false would move the state down the lattice ({elem} is already true, and false ≤ true)"
            ))),
            (Some(true), true) => Ok(Prepared::noted(
                Op::Remove(elem.clone()),
                format!("{elem} already maps to true, so nothing moves"),
            )),
            (Some(false), false) => Ok(Prepared::noted(
                Op::Add(elem.clone()),
                format!("{elem} already maps to false, so nothing moves"),
            )),
            (Some(false), true) => Ok(Prepared::op(Op::Remove(elem.clone()))),
            (None, false) => Ok(Prepared::op(Op::Add(elem.clone()))),
            (None, _) => Ok(Prepared::noted(
                Op::Remove(elem.clone()),
                format!(
                    "{elem} enters the map at true: a map takes any new key, though a tombstone for something never added is pointless (harmless, says seed 004); the 2P-Set's own remove checks the add-set first, the map does not"
                ),
            )),
        }
    }

    fn layouts(&self) -> &'static [&'static str] {
        &["sets", "optimised", "map"]
    }

    /// `sets`: the add-set and the tombstones; `optimised`: a remove also takes the element out
    /// of the add-set (Hupel's second table), so `added` holds just what is present; `map`: the
    /// element → removed? map alone. All three hold the same information.
    fn layout(&self, name: &str) -> Option<Vec<Field>> {
        let fields = self.describe();
        match name {
            "sets" => Some(fields),
            "optimised" => Some(vec![
                Field::new("added", Role::Live, set_of(self.elements())),
                Field::new("removed", Role::Removed, set_of(&self.removed)),
            ]),
            "map" => Some(fields.into_iter().filter(|f| f.name == "map").collect()),
            _ => None,
        }
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
                .contains("can only remove what is in this replica's add-set")
        );
        assert_eq!(
            s.fields(),
            (&BTreeSet::new(), &BTreeSet::new()),
            "nothing changed"
        );
    }

    #[test]
    fn under_remove_unseen_accept_a_remove_of_what_was_never_added_bans_it() {
        let mut s = set::<TwoPSet>("A");
        s.configure(&Rules {
            remove_unseen: RemoveUnseen::Accept,
            ..Rules::default()
        });
        let p = s.prepare(&Edit::Remove(e("4")), &Stamp::default()).unwrap();
        assert!(p.note.unwrap().contains("banned before it was ever added"));
        s.apply(p.op);
        add(&mut s, "4");
        assert_eq!(field(&s, "map"), "{4: true}");
        assert!(!s.contains(&e("4")));
    }

    /// Seed 004: false ≤ true, so a map entry may move from false to true (a remove) and never back.
    #[test]
    fn the_map_view_only_moves_up() {
        let mut s = set::<TwoPSet>("alice");
        let write = |s: &TwoPSet, k: &str, v: bool| s.prepare_set(&e(k), v);
        let p = write(&s, "1", false).unwrap();
        assert_eq!(p.op, Op::Add(e("1")), "a new key at false is an add");
        s.apply(p.op);
        let p = write(&s, "1", true).unwrap();
        assert_eq!(p.op, Op::Remove(e("1")), "false → true is a remove");
        s.apply(p.op);
        assert_eq!(field(&s, "map"), "{1: true}");
        let refused = write(&s, "1", false).unwrap_err();
        assert!(refused.rule.starts_with(
            "non-monotonic update: true → false would move the state down the lattice"
        ));
        assert!(
            write(&s, "1", true)
                .unwrap()
                .note
                .unwrap()
                .contains("already maps to true")
        );
        let straight = write(&s, "9", true).unwrap();
        assert!(straight.note.unwrap().contains("enters the map at true"));
        s.apply(straight.op);
        assert_eq!(
            field(&s, "map"),
            "{1: true, 9: true}",
            "true means: in the add-set and in the tombstones"
        );
        assert_eq!(field(&s, "added"), "{1, 9}");
    }

    /// Seed 004's second table: with the optimisation, a delete also leaves A, so A is {2, 3}.
    #[test]
    fn the_optimised_layout_is_hupels_second_table() {
        let (mut alice, mut bob) = (set::<TwoPSet>("alice"), set::<TwoPSet>("bob"));
        for s in [&mut alice, &mut bob] {
            add(s, "2");
            add(s, "3");
            add(s, "1");
        }
        remove(&mut alice, "1");
        let optimised = |s: &TwoPSet| -> Vec<String> {
            let fields = s.layout("optimised").unwrap();
            fields.iter().map(|f| f.value.to_string()).collect()
        };
        assert_eq!(optimised(&alice), ["{2, 3}", "{1}"]);
        assert_eq!(optimised(&bob), ["{1, 2, 3}", "{}"]);
        sync(&mut alice, &mut bob);
        assert_eq!(optimised(&bob), ["{2, 3}", "{1}"]);
        assert!(alice.layout("nonsense").is_none());
    }

    /// The core defect: a remove delivered before its add. It brings the element into the
    /// add-set with it, so the tombstones stay inside the add-set on every replica.
    #[test]
    fn a_remove_that_arrives_before_its_add_keeps_the_tombstones_inside_the_add_set() {
        let mut a = set::<TwoPSet>("A");
        add(&mut a, "x");
        remove(&mut a, "x");
        let mut b = set::<TwoPSet>("B");
        let early = Op::Remove(e("x"));
        assert!(
            matches!(b.arrival(&early), Arrival::Early(why) if why.contains("brings x into this add-set"))
        );
        b.apply(early.clone());
        assert_eq!(field(&b, "added"), "{x}", "R stays inside A");
        b.apply(Op::Add(e("x")));
        assert_eq!(b, a);
        let mut c = set::<TwoPSet>("C");
        c.configure(&Rules {
            remove_unseen: RemoveUnseen::Accept,
            ..Rules::default()
        });
        assert!(matches!(c.arrival(&early), Arrival::Early(why) if why.contains("needs no add")));
        c.apply(early);
        assert_eq!(
            (field(&c, "added"), field(&c, "removed")),
            ("{}".into(), "{x}".into())
        );
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
        assert!(p.note.unwrap().contains("is not in the add-set"));
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
