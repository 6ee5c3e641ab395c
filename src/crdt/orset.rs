//! OR-Set. Rule: every add mints a unique tag (`a1`); a remove tombstones exactly the tags it
//! has observed. Present iff some tag is live. A concurrent add's new tag was never observed, so add wins.

use super::{
    Edit, Elem, Field, Name, Prepared, Refusal, Role, SetCrdt, Stamp, Tag, scope, tag_list, tag_map,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct OrSet {
    me: Name,
    /// The last counter this replica used for a tag.
    counter: u64,
    pub live: BTreeMap<Elem, BTreeSet<Tag>>,
    pub tombstones: BTreeMap<Elem, BTreeSet<Tag>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Add(Elem, Tag),
    Remove(Elem, BTreeSet<Tag>),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Add(e, t) => write!(f, "add {e} with tag {t}"),
            Op::Remove(e, tags) => write!(f, "remove {e}, tombstoning {{{}}}", tag_list(tags)),
        }
    }
}

impl OrSet {
    /// A replica rebuilt from fields received over the wire (e.g. to merge a peer's state).
    /// Empty tag sets are dropped, and the counter resumes after `replica`'s highest tag.
    pub fn from_fields(
        replica: &Name,
        live: BTreeMap<Elem, BTreeSet<Tag>>,
        tombstones: BTreeMap<Elem, BTreeSet<Tag>>,
    ) -> OrSet {
        let keep = |m: BTreeMap<Elem, BTreeSet<Tag>>| -> BTreeMap<Elem, BTreeSet<Tag>> {
            m.into_iter().filter(|(_, tags)| !tags.is_empty()).collect()
        };
        let (live, tombstones) = (keep(live), keep(tombstones));
        let all = live.values().chain(tombstones.values()).flatten();
        let counter = all.filter(|t| t.replica == *replica).map(|t| t.n).max();
        OrSet {
            me: replica.clone(),
            counter: counter.unwrap_or(0),
            live,
            tombstones,
        }
    }

    /// Its fields, over every element or only `elem`.
    fn fields(&self, elem: Option<&Elem>) -> Vec<Field> {
        let (live, dead) = (&self.live, &self.tombstones);
        vec![
            Field::new("live", Role::Live, tag_map(live.range(scope(elem)))),
            Field::new(
                "tombstones",
                Role::Removed,
                tag_map(dead.range(scope(elem))),
            ),
        ]
    }
}

fn tags_of<'a>(map: &'a BTreeMap<Elem, BTreeSet<Tag>>, e: &Elem) -> impl Iterator<Item = &'a Tag> {
    map.get(e).into_iter().flatten()
}

/// Add their tags to mine (for `merge_map`); always keeps the entry.
fn union_tags(_: &Elem, mine: &mut BTreeSet<Tag>, theirs: Option<&BTreeSet<Tag>>) -> bool {
    if let Some(theirs) = theirs {
        super::union_into(mine, theirs);
    }
    true
}

impl SetCrdt for OrSet {
    type Op = Op;

    fn new(replica: &Name) -> Self {
        OrSet {
            me: replica.clone(),
            counter: 0,
            live: BTreeMap::new(),
            tombstones: BTreeMap::new(),
        }
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        Ok(match edit {
            Edit::Add(e) => Prepared::op(Op::Add(e.clone(), Tag::new(&self.me, self.counter + 1))),
            Edit::Remove(e) => {
                let seen: BTreeSet<Tag> = tags_of(&self.live, e).cloned().collect();
                if seen.is_empty() {
                    Prepared::noted(
                        Op::Remove(e.clone(), seen),
                        format!("{e} has no live tag here, so there is nothing to tombstone"),
                    )
                } else {
                    Prepared::op(Op::Remove(e.clone(), seen))
                }
            }
        })
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Add(e, tag) => {
                if tag.replica == self.me {
                    self.counter = self.counter.max(tag.n);
                }
                if !tags_of(&self.tombstones, &e).any(|t| *t == tag) {
                    self.live.entry(e).or_default().insert(tag);
                }
            }
            Op::Remove(e, tags) => {
                if tags.is_empty() {
                    return;
                }
                if let Some(live) = self.live.get_mut(&e) {
                    live.retain(|t| !tags.contains(t));
                    if live.is_empty() {
                        self.live.remove(&e);
                    }
                }
                self.tombstones.entry(e).or_default().extend(tags);
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        super::merge_map(
            &mut self.tombstones,
            &other.tombstones,
            union_tags,
            |_, t| Some(t.clone()),
        );
        let dead = &self.tombstones;
        let alive = |e: &Elem, tags: &mut BTreeSet<Tag>| {
            if let Some(dead) = dead.get(e) {
                tags.retain(|t| !dead.contains(t));
            }
            !tags.is_empty()
        };
        super::merge_map(
            &mut self.live,
            &other.live,
            |e, mine, theirs| union_tags(e, mine, theirs) && alive(e, mine),
            |e, theirs| {
                let mut tags = theirs.clone();
                alive(e, &mut tags).then_some(tags)
            },
        );
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.live.contains_key(elem)
    }

    fn elements(&self) -> Vec<Elem> {
        self.live.keys().cloned().collect()
    }

    fn describe(&self) -> Vec<Field> {
        self.fields(None)
    }

    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.fields(Some(elem))
    }

    fn same_state(&self, other: &Self) -> bool {
        (&self.live, &self.tombstones) == (&other.live, &other.tombstones)
    }

    fn explain(&self, elem: &Elem) -> String {
        let live = tag_list(tags_of(&self.live, elem));
        let dead = tag_list(tags_of(&self.tombstones, elem));
        match (live.is_empty(), dead.is_empty()) {
            (false, true) => {
                format!("{elem} is present: its live tags are {{{live}}} and none is tombstoned")
            }
            (false, false) => format!(
                "{elem} is present: tags {{{live}}} are still live, though {{{dead}}} were tombstoned"
            ),
            (true, false) => {
                format!("{elem} is absent: every tag it had, {{{dead}}}, is tombstoned")
            }
            (true, true) => format!("{elem} is absent: it has never been added here"),
        }
    }

    fn meta_size(&self) -> usize {
        let count =
            |m: &BTreeMap<Elem, BTreeSet<Tag>>| m.values().map(BTreeSet::len).sum::<usize>();
        count(&self.live) + count(&self.tombstones)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, field, remove, set, sync};

    /// Seed 002 §3.4: x added on A (a1), synced; A removes (tombstones a1); B adds (b1); merge: live {b1}.
    #[test]
    fn add_wins_a1_tombstoned_b1_survives() {
        let (mut a, mut b) = (set::<OrSet>("A"), set::<OrSet>("B"));
        add(&mut a, "x");
        sync(&mut a, &mut b);
        assert_eq!(field(&b, "live"), "{x: {a1}}");
        remove(&mut a, "x");
        assert_eq!(field(&a, "live"), "{}");
        add(&mut b, "x");
        assert_eq!(field(&b, "live"), "{x: {a1, b1}}");
        sync(&mut a, &mut b);
        for r in [&a, &b] {
            assert_eq!(field(r, "live"), "{x: {b1}}");
            assert_eq!(field(r, "tombstones"), "{x: {a1}}");
            assert!(r.contains(&e("x")));
        }
        assert_eq!(
            a.explain(&e("x")),
            "x is present: tags {b1} are still live, though {a1} were tombstoned"
        );
    }

    /// Seed 002 §3.4 and §5: after a remove, a re-add mints a new tag and x is back.
    #[test]
    fn re_add_after_remove_mints_a_new_tag() {
        let mut a = set::<OrSet>("A");
        add(&mut a, "x");
        remove(&mut a, "x");
        assert!(!a.contains(&e("x")));
        add(&mut a, "x");
        assert_eq!(field(&a, "live"), "{x: {a2}}");
        assert_eq!(field(&a, "tombstones"), "{x: {a1}}");
        assert!(a.contains(&e("x")));
    }

    #[test]
    fn a_replica_rebuilt_from_its_fields_merges_like_the_original() {
        let (mut a, mut b) = (set::<OrSet>("A"), set::<OrSet>("B"));
        add(&mut a, "x");
        sync(&mut a, &mut b);
        add(&mut b, "y");
        remove(&mut b, "x");
        let copy = OrSet::from_fields(&"B".into(), b.live.clone(), b.tombstones.clone());
        assert_eq!(copy, b, "the counter resumes at b1");
        let mut via_copy = a.clone();
        via_copy.merge(&copy);
        a.merge(&b);
        assert_eq!(via_copy, a);
        assert_eq!(field(&a, "live"), "{y: {b1}}");
    }

    #[test]
    fn empty_tag_sets_received_are_dropped() {
        let live = BTreeMap::from([(e("x"), BTreeSet::new())]);
        let s = OrSet::from_fields(&"B".into(), live, BTreeMap::new());
        assert!(!s.contains(&e("x")));
        assert_eq!(s.elements(), vec![]);
    }

    #[test]
    fn removing_an_absent_element_is_a_noted_no_op() {
        let a = set::<OrSet>("A");
        let p = a.prepare(&Edit::Remove(e("x")), &Stamp::default()).unwrap();
        assert!(p.note.unwrap().contains("no live tag"));
    }
}
