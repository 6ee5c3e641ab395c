//! OR-Set. Rule: every add mints a unique tag (`a1`); a remove tombstones exactly the tags it
//! has observed. Present iff some tag is live. A concurrent add's new tag was never observed, so add wins.

use super::{
    Arrival, Edit, Elem, Field, Mistake, Name, Prepared, Refusal, Role, Rules, SetCrdt, Stamp, Tag,
    Value, scope, set_of, tag_list, tag_map,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct OrSet {
    me: Name,
    /// The last counter this replica used for a tag.
    counter: u64,
    live: TagMap,
    tombstones: TagMap,
    /// The reuse-tags mistake: a re-add takes the element's old tag, and an add ignores tombstones.
    reuse_tags: bool,
    /// Some tag is live and tombstoned at once (only a reuse-tags add makes one): the next merge
    /// takes every tombstone from every live set, whatever the rule is by then.
    swallow: bool,
}

/// Element → tags, the shape of both of an OR-Set's fields.
pub type TagMap = BTreeMap<Elem, BTreeSet<Tag>>;

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Add(Elem, Tag),
    Remove(Elem, BTreeSet<Tag>),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Add(e, t) => write!(f, "add {e} {t}"),
            Op::Remove(e, tags) => write!(f, "remove {e} {{{}}}", tag_list(tags)),
        }
    }
}

impl OrSet {
    /// Its state: the live tags and the tombstoned tags of each element.
    pub fn fields(&self) -> (&TagMap, &TagMap) {
        (&self.live, &self.tombstones)
    }

    /// A replica rebuilt from fields received over the wire (e.g. to merge a peer's state).
    /// Empty tag sets are dropped, and the counter resumes after `replica`'s highest tag.
    pub fn from_fields(replica: &Name, live: TagMap, tombstones: TagMap) -> OrSet {
        let keep =
            |m: TagMap| -> TagMap { m.into_iter().filter(|(_, tags)| !tags.is_empty()).collect() };
        let (live, tombstones) = (keep(live), keep(tombstones));
        let all = live.values().chain(tombstones.values()).flatten();
        let counter = all.filter(|t| t.replica == *replica).map(|t| t.n).max();
        let swallow = live.iter().any(|(e, tags)| {
            tombstones
                .get(e)
                .is_some_and(|dead| tags.iter().any(|t| dead.contains(t)))
        });
        OrSet {
            me: replica.clone(),
            counter: counter.unwrap_or(0),
            live,
            tombstones,
            reuse_tags: false,
            swallow,
        }
    }

    /// The tag an add of `e` gets: a fresh one, or under the reuse-tags mistake the element's old one.
    fn next_tag(&self, e: &Elem) -> Tag {
        let mine = |t: &&Tag| t.replica == self.me;
        let old = tags_of(&self.live, e).chain(tags_of(&self.tombstones, e));
        match old.filter(mine).min() {
            Some(tag) if self.reuse_tags => tag.clone(),
            _ => Tag::new(&self.me, self.counter + 1),
        }
    }

    fn known(&self, e: &Elem, tag: &Tag) -> bool {
        tags_of(&self.live, e)
            .chain(tags_of(&self.tombstones, e))
            .any(|t| t == tag)
    }

    /// Its fields, over every element or only `elem`.
    fn described(&self, elem: Option<&Elem>) -> Vec<Field> {
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

fn tags_of<'a>(map: &'a TagMap, e: &Elem) -> impl Iterator<Item = &'a Tag> {
    map.get(e).into_iter().flatten()
}

/// Add their tags to mine (for `merge_map`); always keeps the entry.
fn union_tags(_: &Elem, mine: &mut BTreeSet<Tag>, theirs: &BTreeSet<Tag>) -> bool {
    super::union_into(mine, theirs);
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
            reuse_tags: false,
            swallow: false,
        }
    }

    fn prepare(&self, edit: &Edit, _stamp: &Stamp) -> Result<Prepared<Op>, Refusal> {
        Ok(match edit {
            Edit::Add(e) => {
                let tag = self.next_tag(e);
                let present = self.live.get(e).filter(|live| !live.contains(&tag));
                let note = present.map(|live| {
                    format!(
                        "{e} is already present (live {{{}}}); the OR-Set mints {tag} anyway, where seed 003 would not offer this add",
                        tag_list(live)
                    )
                });
                let op = Op::Add(e.clone(), tag);
                match note {
                    Some(note) => Prepared::noted(op, note),
                    None => Prepared::op(op),
                }
            }
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
                let dead = tags_of(&self.tombstones, &e).any(|t| *t == tag);
                if self.reuse_tags || !dead {
                    self.swallow |= dead;
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

    /// Tombstones unite; live tags unite, less every tombstoned tag. Only the elements they
    /// hold can change: those of their live tags, and those their tombstones name.
    fn merge(&mut self, other: &Self) {
        let clone = |_: &Elem, tags: &BTreeSet<Tag>| Some(tags.clone());
        super::merge_map(&mut self.tombstones, &other.tombstones, union_tags, clone);
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
        super::merge_map(
            &mut self.live,
            &other.tombstones,
            |e, mine, _| alive(e, mine),
            |_, _| None,
        );
        if self.reuse_tags || self.swallow {
            // The textbook join takes every tombstone from every live set. Correct replicas never
            // hold a tag both live and tombstoned, so only the peer's keys need it; under the
            // reuse-tags mistake a replica does, and this is where its re-add is swallowed (also
            // when the mistake was turned off after the re-add).
            self.swallow = false;
            let dead = &self.tombstones;
            self.live.retain(|e, tags| {
                tags.retain(|t| !dead.get(e).is_some_and(|d| d.contains(t)));
                !tags.is_empty()
            });
        }
    }

    /// Not while either side may hold a tag live and tombstoned at once (the reuse-tags
    /// mistake): then a merge cleans every element, which only the whole merge does.
    fn merges_in_part(&self, other: &Self) -> bool {
        ![self, other].iter().any(|s| s.reuse_tags || s.swallow)
    }

    fn merge_elems(&mut self, other: &Self, elems: &[Elem]) {
        self.merge(&OrSet {
            me: other.me.clone(),
            counter: other.counter,
            live: super::part_of(&other.live, elems),
            tombstones: super::part_of(&other.tombstones, elems),
            reuse_tags: false,
            swallow: false,
        });
    }

    fn contains(&self, elem: &Elem) -> bool {
        self.live.contains_key(elem)
    }

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.live.keys()
    }

    fn describe(&self) -> Vec<Field> {
        self.described(None)
    }

    /// Under the reuse-tags mistake a merge may drop tags of any element (see `merge`). Else
    /// it touches the peer's entries that differ from mine, and my live entries under the
    /// peer's tombstones (a tag once reused may be live and tombstoned here at once).
    fn merge_touches(&self, other: &Self) -> Option<Vec<Elem>> {
        if self.reuse_tags || self.swallow {
            return None;
        }
        let mut out = vec![];
        super::new_keys(&self.live, &other.live, PartialEq::eq, &mut out);
        super::new_keys(&self.tombstones, &other.tombstones, PartialEq::eq, &mut out);
        let under = other
            .tombstones
            .keys()
            .filter(|e| self.live.contains_key(*e));
        out.extend(under.cloned());
        Some(out)
    }
    fn describe_elem(&self, elem: &Elem) -> Vec<Field> {
        self.described(Some(elem))
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

    fn metadata(&self) -> Vec<(&'static str, usize)> {
        let count = |m: &TagMap| m.values().map(BTreeSet::len).sum::<usize>();
        vec![
            ("live tags", count(&self.live)),
            ("tombstoned tags", count(&self.tombstones)),
        ]
    }

    fn configure(&mut self, rules: &Rules) {
        self.reuse_tags = rules.mistake == Mistake::ReuseTags;
    }

    fn carries(op: &Op) -> Vec<Field> {
        match op {
            Op::Add(e, t) => vec![Field::new("live", Role::Live, super::entry(e, set_of([t])))],
            Op::Remove(e, tags) => {
                vec![Field::new(
                    "tombstones",
                    Role::Removed,
                    super::entry(e, set_of(tags)),
                )]
            }
        }
    }

    fn subject(op: &Op) -> &Elem {
        match op {
            Op::Add(e, _) | Op::Remove(e, _) => e,
        }
    }

    fn arrival(&self, op: &Op) -> Arrival {
        let Op::Remove(e, tags) = op else {
            return Arrival::Ready;
        };
        let unseen: Vec<&Tag> = tags.iter().filter(|t| !self.known(e, t)).collect();
        if unseen.is_empty() {
            return Arrival::Ready;
        }
        let list = tag_list(unseen);
        Arrival::Early(format!(
            "the OR-Set keeps the tombstone {{{list}}} though no add of it has come yet; when that add comes, its tag is already dead, so {e} does not come back"
        ))
    }

    /// Only the live tags, as a merge that forgets the tombstones would ship them.
    fn adds_only(&self) -> Self {
        OrSet {
            tombstones: BTreeMap::new(),
            ..self.clone()
        }
    }

    fn layouts(&self) -> &'static [&'static str] {
        &["separate", "element", "boolean"]
    }

    /// Seed 003's three layouts: `separate` maps for live and removed tags, one structure per
    /// `element` holding both, or a `boolean` per tag (removed?) with a cached `present`.
    fn layout(&self, name: &str) -> Option<Vec<Field>> {
        let keys: BTreeSet<&Elem> = self.live.keys().chain(self.tombstones.keys()).collect();
        let per = |f: &dyn Fn(&Elem) -> Value| -> Value {
            Value::Map(keys.iter().map(|e| (e.to_string(), f(e))).collect())
        };
        match name {
            "separate" => Some(self.describe()),
            "element" => Some(vec![Field::new(
                "by_element",
                Role::Live,
                per(&|e| {
                    Value::Map(vec![
                        ("live".into(), set_of(tags_of(&self.live, e))),
                        ("removed".into(), set_of(tags_of(&self.tombstones, e))),
                    ])
                }),
            )]),
            "boolean" => {
                let flags = |e: &Elem| {
                    let mut all: Vec<(&Tag, bool)> = tags_of(&self.live, e)
                        .map(|t| (t, false))
                        .chain(tags_of(&self.tombstones, e).map(|t| (t, true)))
                        .collect();
                    all.sort();
                    let pairs = all
                        .into_iter()
                        .map(|(t, dead)| (t.to_string(), scalar(dead)));
                    Value::Map(pairs.collect())
                };
                Some(vec![
                    Field::new("tokens", Role::Live, per(&flags)),
                    Field::new("present", Role::Derived, per(&|e| scalar(self.contains(e)))),
                ])
            }
            _ => None,
        }
    }

    fn tombstoned(&self) -> Vec<(Elem, Tag)> {
        let each = self.tombstones.iter();
        each.flat_map(|(e, tags)| tags.iter().map(move |t| (e.clone(), t.clone())))
            .collect()
    }

    fn forget(&mut self, tags: &[(Elem, Tag)]) {
        for (e, tag) in tags {
            if let Some(dead) = self.tombstones.get_mut(e) {
                dead.remove(tag);
                if dead.is_empty() {
                    self.tombstones.remove(e);
                }
            }
        }
    }
}

fn scalar(b: bool) -> Value {
    Value::Scalar(b.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::testing::{add, e, field, op, remove, set, sync};

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
        let (live, tombstones) = b.fields();
        let copy = OrSet::from_fields(&"B".into(), live.clone(), tombstones.clone());
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

    /// Seed 003's local rule: an add of what is present still mints a tag, and says so.
    #[test]
    fn adding_what_is_present_mints_another_tag_with_a_note() {
        let mut a = set::<OrSet>("A");
        add(&mut a, "x");
        let p = a.prepare(&Edit::Add(e("x")), &Stamp::default()).unwrap();
        assert_eq!(p.op, Op::Add(e("x"), Tag::new(&"A".into(), 2)));
        assert!(p.note.unwrap().contains("already present (live {a1})"));
    }

    /// The mistake in seed 002's own simulation: the re-add reuses the old tag a1. It looks
    /// present until the next merge, which drops the tombstoned tag.
    #[test]
    fn reused_tags_lose_the_re_add_at_the_next_merge() {
        let (mut a, mut b) = (set::<OrSet>("A"), set::<OrSet>("B"));
        let rules = Rules {
            mistake: Mistake::ReuseTags,
            ..Rules::default()
        };
        a.configure(&rules);
        add(&mut a, "x");
        remove(&mut a, "x");
        let again = op(&mut a, Edit::Add(e("x")));
        assert_eq!(again, Op::Add(e("x"), Tag::new(&"A".into(), 1)));
        assert!(a.contains(&e("x")), "it looks re-added");
        sync(&mut a, &mut b);
        assert!(!a.contains(&e("x")) && !b.contains(&e("x")));
        assert_eq!(field(&a, "tombstones"), "{x: {a1}}");
    }

    /// A remove that arrives before the add of its tag is applied at once: the tombstone waits
    /// for the add instead, so either order ends in the same state.
    #[test]
    fn ops_in_either_order_end_in_the_same_state() {
        let mut a = set::<OrSet>("A");
        let add_x = op(&mut a, Edit::Add(e("x")));
        let add_y = op(&mut a, Edit::Add(e("y")));
        let remove_x = op(&mut a, Edit::Remove(e("x")));
        let mut b = set::<OrSet>("B");
        assert!(matches!(b.arrival(&remove_x), Arrival::Early(why) if why.contains("{a1}")));
        for o in [remove_x.clone(), add_y, add_x, remove_x] {
            b.apply(o);
        }
        assert_eq!(b.describe(), a.describe());
        assert_eq!(
            b.arrival(&Op::Remove(e("x"), BTreeSet::new())),
            Arrival::Ready
        );
    }

    /// Seed 001's example: tags for a, b and c, then the remove of a.
    #[test]
    fn seed_001_a_b_c_and_the_remove_of_a() {
        let mut s = set::<OrSet>("A");
        for x in ["a", "b", "c"] {
            add(&mut s, x);
        }
        remove(&mut s, "a");
        assert_eq!(field(&s, "live"), "{b: {a2}, c: {a3}}");
        assert_eq!(field(&s, "tombstones"), "{a: {a1}}");
        assert!(!s.contains(&e("a")) && s.contains(&e("b")));
    }

    /// Seed 003's three layouts of one state.
    #[test]
    fn three_layouts_of_one_state() {
        let mut s = set::<OrSet>("A");
        add(&mut s, "x");
        remove(&mut s, "x");
        add(&mut s, "x");
        let show = |name: &str| -> Vec<String> {
            let fields = s.layout(name).unwrap();
            fields
                .iter()
                .map(|f| format!("{} {}", f.name, f.value))
                .collect()
        };
        assert_eq!(show("separate"), ["live {x: {a2}}", "tombstones {x: {a1}}"]);
        assert_eq!(
            show("element"),
            ["by_element {x: {live: {a2}, removed: {a1}}}"]
        );
        assert_eq!(
            show("boolean"),
            ["tokens {x: {a1: true, a2: false}}", "present {x: true}"]
        );
    }

    #[test]
    fn forgetting_tombstones_keeps_the_live_tags() {
        let mut s = set::<OrSet>("A");
        add(&mut s, "x");
        remove(&mut s, "x");
        add(&mut s, "y");
        let dead = s.tombstoned();
        assert_eq!(dead, vec![(e("x"), Tag::new(&"A".into(), 1))]);
        s.forget(&dead);
        assert_eq!(field(&s, "tombstones"), "{}");
        assert_eq!(field(&s, "live"), "{y: {a2}}");
    }
}
