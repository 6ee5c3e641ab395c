//! LWW-Element-Set. Rule: each element keeps its latest add and latest remove timestamp; merge
//! takes the max of each. Present iff add > remove, and on a tie the tie-break decides (add-wins by default).

use super::{
    Edit, Elem, Field, Name, Prepared, Refusal, Role, Rules, SetCrdt, Stamp, TieBreak, Value, scope,
};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lww {
    adds: BTreeMap<Elem, Stamp>,
    removes: BTreeMap<Elem, Stamp>,
    tiebreak: TieBreak,
}

impl Lww {
    /// Its state: the latest add and the latest remove stamp of each element.
    pub fn fields(&self) -> (&BTreeMap<Elem, Stamp>, &BTreeMap<Elem, Stamp>) {
        (&self.adds, &self.removes)
    }
    /// A replica holding these stamps (e.g. a peer's state received over the wire, to merge),
    /// with the default tie-break.
    pub fn from_fields(adds: BTreeMap<Elem, Stamp>, removes: BTreeMap<Elem, Stamp>) -> Lww {
        Lww {
            adds,
            removes,
            ..Lww::default()
        }
    }

    /// Whether an element with this add (and this remove, if any) is present.
    fn add_wins(&self, add: &Stamp, remove: Option<&Stamp>) -> bool {
        match remove {
            None => true,
            Some(rem) if add == rem => self.tiebreak == TieBreak::AddWins,
            Some(rem) => add > rem,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Add(Elem, Stamp),
    Remove(Elem, Stamp),
}

/// A stamp in a sentence: `@7` or `@12:00:05`, and `2@B` for a Lamport stamp, which names its replica.
struct At<'a>(&'a Stamp);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.by {
            Some(_) => write!(f, "{}", self.0),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Add(e, t) => write!(f, "add {e} {}", At(t)),
            Op::Remove(e, t) => write!(f, "remove {e} {}", At(t)),
        }
    }
}

/// Keep the later of two stamps.
fn keep_max(map: &mut BTreeMap<Elem, Stamp>, elem: Elem, stamp: Stamp) {
    match map.get(&elem) {
        Some(old) if *old >= stamp => {}
        _ => {
            map.insert(elem, stamp);
        }
    }
}

/// Keep the later stamp per element. Equal stamps written differently (`@43200`, `12:00:00`)
/// keep the clock style, so the result shown does not depend on the merge order.
fn max_into(mine: &mut BTreeMap<Elem, Stamp>, theirs: &BTreeMap<Elem, Stamp>) {
    let later = |a: &Stamp, b: &Stamp| a > b || a == b && a.style > b.style;
    super::merge_map(
        mine,
        theirs,
        |_, mine, theirs| {
            if later(theirs, mine) {
                *mine = theirs.clone();
            }
            true
        },
        |_, t| Some(t.clone()),
    );
}

/// Equal stamps and shown alike (a merge may swap a stamp for an equal one of another style).
fn same_stamp(a: &Stamp, b: &Stamp) -> bool {
    a == b && a.style == b.style
}

/// Stamps by element, over every element or only `elem`.
fn stamps(map: &BTreeMap<Elem, Stamp>, elem: Option<&Elem>) -> Value {
    Value::Map(
        map.range(scope(elem))
            .map(|(e, t)| (e.to_string(), Value::Scalar(t.to_string())))
            .collect(),
    )
}

impl Lww {
    fn described(&self, elem: Option<&Elem>) -> Vec<Field> {
        vec![
            Field::new("adds", Role::Live, stamps(&self.adds, elem)),
            Field::new("removes", Role::Removed, stamps(&self.removes, elem)),
        ]
    }
}

impl SetCrdt for Lww {
    type Op = Op;

    fn new(_replica: &Name) -> Self {
        Lww::default()
    }

    fn prepare(&self, edit: &Edit, stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        let (op, held, what) = match edit {
            Edit::Add(e) => (Op::Add(e.clone(), stamp.clone()), self.adds.get(e), "add"),
            Edit::Remove(e) => (
                Op::Remove(e.clone(), stamp.clone()),
                self.removes.get(e),
                "remove",
            ),
        };
        Ok(match held {
            Some(old) if old >= stamp => Prepared::noted(
                op,
                format!(
                    "this replica already holds a {what} stamped {}, not older than {}, so nothing changes",
                    At(old),
                    At(stamp)
                ),
            ),
            _ => Prepared::op(op),
        })
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Add(e, t) => keep_max(&mut self.adds, e, t),
            Op::Remove(e, t) => keep_max(&mut self.removes, e, t),
        }
    }

    fn merge(&mut self, other: &Self) {
        max_into(&mut self.adds, &other.adds);
        max_into(&mut self.removes, &other.removes);
    }

    fn merges_in_part(&self, _other: &Self) -> bool {
        true
    }

    fn merge_elems(&mut self, other: &Self, elems: &[Elem]) {
        max_into(&mut self.adds, &super::part_of(&other.adds, elems));
        max_into(&mut self.removes, &super::part_of(&other.removes, elems));
    }

    fn contains(&self, elem: &Elem) -> bool {
        let add = self.adds.get(elem);
        add.is_some_and(|add| self.add_wins(add, self.removes.get(elem)))
    }

    /// One walk over the adds, beside the removes.
    fn iter(&self) -> impl Iterator<Item = &Elem> {
        let mut removes = self.removes.iter().peekable();
        self.adds.iter().filter_map(move |(e, add)| {
            while removes.next_if(|(r, _)| *r < e).is_some() {}
            let remove = removes.next_if(|(r, _)| *r == e).map(|(_, t)| t);
            self.add_wins(add, remove).then_some(e)
        })
    }

    fn describe(&self) -> Vec<Field> {
        self.described(None)
    }

    fn merge_touches(&self, other: &Self) -> Option<Vec<Elem>> {
        let mut out = vec![];
        super::new_keys(&self.adds, &other.adds, same_stamp, &mut out);
        super::new_keys(&self.removes, &other.removes, same_stamp, &mut out);
        Some(out)
    }
    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.described(Some(elem))
    }

    fn same_state(&self, other: &Self) -> bool {
        (&self.adds, &self.removes) == (&other.adds, &other.removes)
    }

    fn explain(&self, elem: &Elem) -> String {
        let is = if self.contains(elem) {
            "present"
        } else {
            "absent"
        };
        let why = match (self.adds.get(elem), self.removes.get(elem)) {
            (None, None) => "it has never been added here".to_string(),
            (None, Some(r)) => format!("it has a remove {} and no add", At(r)),
            (Some(a), None) => format!("its add {} has no remove against it", At(a)),
            (Some(a), Some(r)) if a == r => format!(
                "its add {} and remove {} tie, and the tie-break is {}",
                At(a),
                At(r),
                self.tiebreak.word()
            ),
            (Some(a), Some(r)) if a.time == r.time => {
                let (winner, loser) = if a > r {
                    ("add", "remove")
                } else {
                    ("remove", "add")
                };
                format!(
                    "its add {} and remove {} tie at time {}, and a Lamport tie is broken by replica name: {} comes after {}, so the {winner} beats the {loser}",
                    At(a),
                    At(r),
                    a.time,
                    a.by.as_deref().max(r.by.as_deref()).unwrap_or("?"),
                    a.by.as_deref().min(r.by.as_deref()).unwrap_or("?"),
                )
            }
            (Some(a), Some(r)) if a > r => {
                format!("its add {} is newer than its remove {}", At(a), At(r))
            }
            (Some(a), Some(r)) => format!("its remove {} is newer than its add {}", At(r), At(a)),
        };
        format!("{elem} is {is}: {why}")
    }

    fn metadata(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("add stamps", self.adds.len()),
            ("remove stamps", self.removes.len()),
        ]
    }

    fn carries(op: &Op) -> Vec<Field> {
        let one = |e: &Elem, t: &Stamp| super::entry(e, Value::Scalar(t.to_string()));
        match op {
            Op::Add(e, t) => vec![Field::new("adds", Role::Live, one(e, t))],
            Op::Remove(e, t) => vec![Field::new("removes", Role::Removed, one(e, t))],
        }
    }

    fn subject(op: &Op) -> &Elem {
        match op {
            Op::Add(e, _) | Op::Remove(e, _) => e,
        }
    }

    /// Only the add stamps, as a merge that forgets the remove side would ship them.
    fn adds_only(&self) -> Self {
        Lww {
            adds: self.adds.clone(),
            removes: BTreeMap::new(),
            tiebreak: self.tiebreak,
        }
    }

    fn configure(&mut self, rules: &Rules) {
        self.tiebreak = rules.tiebreak;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add_at, e, field, remove_at, set, sync};

    /// Seed 002 §3.3: added @1 on both; A removes @5, B adds @7; merge gives {x:7}/{x:5}, present.
    #[test]
    fn add_at_7_beats_remove_at_5() {
        let (mut a, mut b) = (set::<Lww>("A"), set::<Lww>("B"));
        add_at(&mut a, "x", Stamp::at(1));
        add_at(&mut b, "x", Stamp::at(1));
        remove_at(&mut a, "x", Stamp::at(5));
        add_at(&mut b, "x", Stamp::at(7));
        assert_eq!(
            (field(&a, "adds"), field(&a, "removes")),
            ("{x: 1}".into(), "{x: 5}".into())
        );
        assert_eq!(
            (field(&b, "adds"), field(&b, "removes")),
            ("{x: 7}".into(), "{}".into())
        );
        sync(&mut a, &mut b);
        for r in [&a, &b] {
            assert_eq!(
                (field(r, "adds"), field(r, "removes")),
                ("{x: 7}".into(), "{x: 5}".into())
            );
            assert!(r.contains(&e("x")));
        }
        assert_eq!(
            a.explain(&e("x")),
            "x is present: its add @7 is newer than its remove @5"
        );
    }

    /// Seed 002 §3.3 flipped: remove @9, add @4: x is gone.
    #[test]
    fn remove_at_9_beats_add_at_4() {
        let (mut a, mut b) = (set::<Lww>("A"), set::<Lww>("B"));
        add_at(&mut a, "x", Stamp::at(1));
        add_at(&mut b, "x", Stamp::at(1));
        remove_at(&mut a, "x", Stamp::at(9));
        add_at(&mut b, "x", Stamp::at(4));
        sync(&mut a, &mut b);
        assert!(!a.contains(&e("x")) && !b.contains(&e("x")));
        assert_eq!(
            b.explain(&e("x")),
            "x is absent: its remove @9 is newer than its add @4"
        );
    }

    #[test]
    fn a_replica_rebuilt_from_its_fields_merges_like_the_original() {
        let (mut a, mut b) = (set::<Lww>("A"), set::<Lww>("B"));
        add_at(&mut a, "x", Stamp::at(1));
        add_at(&mut b, "y", Stamp::at(2));
        remove_at(&mut b, "x", Stamp::at(3));
        let (adds, removes) = b.fields();
        let copy = Lww::from_fields(adds.clone(), removes.clone());
        assert_eq!(copy, b);
        let mut via_copy = a.clone();
        via_copy.merge(&copy);
        a.merge(&b);
        assert_eq!(via_copy, a);
        assert_eq!(a.elements(), vec![e("y")]);
    }

    #[test]
    fn a_tie_goes_to_the_tie_break() {
        let mut a = set::<Lww>("A");
        add_at(&mut a, "x", Stamp::at(5));
        remove_at(&mut a, "x", Stamp::at(5));
        assert!(a.contains(&e("x")), "add-wins is the default");
        a.configure(&Rules {
            tiebreak: TieBreak::RemoveWins,
            ..Rules::default()
        });
        assert!(!a.contains(&e("x")));
        assert!(
            a.explain(&e("x"))
                .contains("tie, and the tie-break is remove-wins")
        );
    }

    /// Seed 002 §3.3: A is 10 s fast; its remove at real 12:00:00 is stamped 12:00:10 and beats B's add at 12:00:05.
    #[test]
    fn clock_skew_loses_the_later_add() {
        let (mut a, mut b) = (set::<Lww>("A"), set::<Lww>("B"));
        let noon = 12 * 3600;
        remove_at(&mut a, "x", Stamp::clock(noon + 10));
        add_at(&mut b, "x", Stamp::clock(noon + 5));
        sync(&mut a, &mut b);
        assert_eq!(field(&a, "removes"), "{x: 12:00:10}");
        assert_eq!(field(&a, "adds"), "{x: 12:00:05}");
        assert!(!a.contains(&e("x")));
    }

    #[test]
    fn lamport_ties_between_replicas_break_by_replica_id() {
        let (mut a, mut b) = (set::<Lww>("A"), set::<Lww>("B"));
        remove_at(&mut a, "x", Stamp::lamport(1, &"B".into()));
        add_at(&mut b, "x", Stamp::lamport(1, &"A".into()));
        sync(&mut a, &mut b);
        assert!(
            !a.contains(&e("x")),
            "B's remove (1@B) is later than A's add (1@A)"
        );
    }

    #[test]
    fn a_lamport_tie_says_the_replica_name_broke_it() {
        let (mut a, mut b) = (set::<Lww>("A"), set::<Lww>("B"));
        remove_at(&mut a, "x", Stamp::lamport(2, &"A".into()));
        add_at(&mut b, "x", Stamp::lamport(2, &"B".into()));
        sync(&mut a, &mut b);
        assert_eq!(
            a.explain(&e("x")),
            "x is present: its add 2@B and remove 2@A tie at time 2, and a Lamport tie is broken by replica name: B comes after A, so the add beats the remove"
        );
    }

    #[test]
    fn a_lamport_stamp_reads_once_in_a_sentence() {
        let (mut a, mut b) = (set::<Lww>("A"), set::<Lww>("B"));
        remove_at(&mut a, "x", Stamp::lamport(1, &"A".into()));
        add_at(&mut b, "x", Stamp::lamport(2, &"B".into()));
        sync(&mut a, &mut b);
        assert_eq!(
            a.explain(&e("x")),
            "x is present: its add 2@B is newer than its remove 1@A"
        );
    }
}
