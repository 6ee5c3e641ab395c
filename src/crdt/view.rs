//! Labelled fields: how each set type describes its internals to the faces, exports and `expect`.

use super::{Elem, Tag};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Bound;

/// A field's value: a set `{a, b}`, a map `{k: v}` (values may nest), or a single word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Scalar(String),
    Set(Vec<String>),
    Map(Vec<(String, Value)>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Scalar(s) => f.write_str(s),
            Value::Set(items) => write!(f, "{{{}}}", items.join(", ")),
            Value::Map(pairs) => {
                let parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                write!(f, "{{{}}}", parts.join(", "))
            }
        }
    }
}

/// What a field holds, so a face can show live and removed things differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Things that are there: an add-set, live tags, add timestamps, counts.
    Live,
    /// Things that record a removal: tombstones, remove timestamps.
    Removed,
    /// Bookkeeping: a version vector, per-replica counters.
    Meta,
    /// The same state seen another way (a 2P-Set's element → removed? map); tables leave it out.
    Derived,
}

/// One labelled part of a replica's state, under its canonical name (`added`, `tombstones` ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub role: Role,
    pub value: Value,
}

impl Field {
    pub fn new(name: &'static str, role: Role, value: Value) -> Field {
        Field { name, role, value }
    }
}

/// One leaf of a field, by the path of keys that leads to it: a set item `{x}` is `[x]`, a map
/// entry `{x: 7}` is `[x, 7]`, a tag under an element `{x: {a1}}` is `[x, a1]`, and an empty
/// set or map under a key is just `[x]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Leaf {
    pub field: &'static str,
    pub path: Vec<String>,
}

impl fmt::Display for Leaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.path.join(": "))
    }
}

/// What changed in one replica's state: the leaves of its fields that appeared and went, and the
/// elements that became visible or hidden.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Delta {
    pub added: Vec<Leaf>,
    pub removed: Vec<Leaf>,
    pub shown: Vec<String>,
    pub hidden: Vec<String>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.shown.is_empty()
            && self.hidden.is_empty()
    }

    /// The difference between two descriptions of a replica and its visible elements before and
    /// after. Only the fields, and the entries of a map, that differ are taken apart into leaves.
    pub fn between(before: &[Field], after: &[Field], seen: &Value, now: &Value) -> Delta {
        let (mut old, mut new) = (BTreeSet::new(), BTreeSet::new());
        for field in before {
            let other = after.iter().find(|f| f.name == field.name);
            match other {
                Some(other) if other.value == field.value => {}
                Some(other) => {
                    changed_leaves(field.name, &field.value, &other.value, &mut old, &mut new)
                }
                None => leaves_into(field.name, &field.value, &mut old),
            }
        }
        for field in after
            .iter()
            .filter(|f| !before.iter().any(|b| b.name == f.name))
        {
            leaves_into(field.name, &field.value, &mut new);
        }
        let (old_items, new_items) = (items(seen), items(now));
        Delta {
            added: new.difference(&old).cloned().collect(),
            removed: old.difference(&new).cloned().collect(),
            shown: new_items
                .difference(&old_items)
                .map(|s| s.to_string())
                .collect(),
            hidden: old_items
                .difference(&new_items)
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// This change followed by `next`, as one change: what one adds and the other takes back cancels.
    pub fn then(self, next: &Delta) -> Delta {
        let (added, removed) = net(&self.added, &self.removed, &next.added, &next.removed);
        let (shown, hidden) = net(&self.shown, &self.hidden, &next.shown, &next.hidden);
        Delta {
            added,
            removed,
            shown,
            hidden,
        }
    }

    /// The change that takes this one back.
    pub fn inverse(self) -> Delta {
        Delta {
            added: self.removed,
            removed: self.added,
            shown: self.hidden,
            hidden: self.shown,
        }
    }
}

/// Two changes of a set as one: from `s0` to `s2` through `s1`, given `a1 = s1 - s0`, `r1 = s0 - s1`
/// and the same for the second step. Added: `(a1 - r2) ∪ (a2 - r1)`; removed: `(r1 - a2) ∪ (r2 - a1)`.
fn net<T: Ord + Clone>(a1: &[T], r1: &[T], a2: &[T], r2: &[T]) -> (Vec<T>, Vec<T>) {
    let set = |v: &[T]| v.iter().cloned().collect::<BTreeSet<T>>();
    let (a1, r1, a2, r2) = (set(a1), set(r1), set(a2), set(r2));
    let added = a1.difference(&r2).chain(a2.difference(&r1)).cloned();
    let removed = r1.difference(&a2).chain(r2.difference(&a1)).cloned();
    (
        added.collect::<BTreeSet<T>>().into_iter().collect(),
        removed.collect::<BTreeSet<T>>().into_iter().collect(),
    )
}

/// The leaves of one field's value before and after, leaving out the map entries that are the
/// same on both sides (they would cancel out).
fn changed_leaves(
    field: &'static str,
    before: &Value,
    after: &Value,
    old: &mut BTreeSet<Leaf>,
    new: &mut BTreeSet<Leaf>,
) {
    let (Value::Map(a), Value::Map(b)) = (before, after) else {
        leaves_into(field, before, old);
        leaves_into(field, after, new);
        return;
    };
    let (a_keys, b_keys): (HashMap<&str, &Value>, HashMap<&str, &Value>) = (
        a.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        b.iter().map(|(k, v)| (k.as_str(), v)).collect(),
    );
    let entry = |key: &str, value: &Value| Value::Map(vec![(key.to_string(), value.clone())]);
    for (key, value) in a.iter().filter(|(k, v)| b_keys.get(k.as_str()) != Some(&v)) {
        leaves_into(field, &entry(key, value), old);
    }
    for (key, value) in b.iter().filter(|(k, v)| a_keys.get(k.as_str()) != Some(&v)) {
        leaves_into(field, &entry(key, value), new);
    }
}

/// Every leaf of one field's value.
fn leaves_into(field: &'static str, value: &Value, out: &mut BTreeSet<Leaf>) {
    let mut path = vec![];
    walk(value, &mut path, &mut |path| {
        out.insert(Leaf {
            field,
            path: path.to_vec(),
        });
    });
}

fn walk(value: &Value, path: &mut Vec<String>, leaf: &mut impl FnMut(&[String])) {
    match value {
        Value::Scalar(s) => {
            path.push(s.clone());
            leaf(path);
            path.pop();
        }
        Value::Set(items) => {
            for item in items {
                path.push(item.clone());
                leaf(path);
                path.pop();
            }
        }
        Value::Map(pairs) => {
            for (key, inner) in pairs {
                path.push(key.clone());
                match inner {
                    Value::Set(s) if s.is_empty() => leaf(path),
                    Value::Map(m) if m.is_empty() => leaf(path),
                    _ => walk(inner, path, leaf),
                }
                path.pop();
            }
        }
    }
}

fn items(value: &Value) -> BTreeSet<&str> {
    match value {
        Value::Set(items) => items.iter().map(String::as_str).collect(),
        _ => BTreeSet::new(),
    }
}

/// Render a sorted list of displayable things as `{a, b}`.
pub(crate) fn set_of<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Set(items.into_iter().map(|i| i.to_string()).collect())
}

/// A map of one entry, `{key: value}`: what one op writes into a field.
pub(crate) fn entry(key: impl fmt::Display, value: Value) -> Value {
    Value::Map(vec![(key.to_string(), value)])
}

/// Render elem → tags as `{x: {a1, b1}}`.
pub(crate) fn tag_map<'a, Tags: 'a>(entries: impl Iterator<Item = (&'a Elem, &'a Tags)>) -> Value
where
    &'a Tags: IntoIterator<Item = &'a Tag>,
{
    Value::Map(
        entries
            .map(|(e, tags)| (e.to_string(), set_of(tags)))
            .collect(),
    )
}

/// The elements a description covers, as a range over a map or set keyed by element: all of
/// them, or only `elem` (see `SetCrdt::describe_elem`).
pub(crate) fn scope(elem: Option<&Elem>) -> (Bound<&Elem>, Bound<&Elem>) {
    match elem {
        Some(e) => (Bound::Included(e), Bound::Included(e)),
        None => (Bound::Unbounded, Bound::Unbounded),
    }
}

/// A list of tags for a sentence: `a1, b1`.
pub(crate) fn tag_list<'a>(tags: impl IntoIterator<Item = &'a Tag>) -> String {
    let words: Vec<String> = tags.into_iter().map(Tag::to_string).collect();
    words.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_render_like_the_seed_tables() {
        let set = Value::Set(vec!["1".into(), "2".into()]);
        assert_eq!(set.to_string(), "{1, 2}");
        let map = Value::Map(vec![("x".into(), Value::Set(vec!["b1".into()]))]);
        assert_eq!(map.to_string(), "{x: {b1}}");
        assert_eq!(Value::Set(vec![]).to_string(), "{}");
    }

    fn live(pairs: &[(&str, &[&str])]) -> Vec<Field> {
        let map = pairs
            .iter()
            .map(|(k, tags)| {
                (
                    k.to_string(),
                    Value::Set(tags.iter().map(|t| t.to_string()).collect()),
                )
            })
            .collect();
        vec![Field::new("live", Role::Live, Value::Map(map))]
    }

    fn leaf(path: &[&str]) -> Leaf {
        Leaf {
            field: "live",
            path: path.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn a_delta_names_each_tag_that_came_and_went_and_what_became_visible() {
        let none = Value::Set(vec![]);
        let x = Value::Set(vec!["x".into()]);
        let d = Delta::between(&live(&[("x", &["a1"])]), &live(&[("x", &["b1"])]), &x, &x);
        assert_eq!(
            (d.added, d.removed),
            (vec![leaf(&["x", "b1"])], vec![leaf(&["x", "a1"])])
        );
        assert!(d.shown.is_empty() && d.hidden.is_empty());
        let d = Delta::between(&live(&[("x", &["a1"])]), &live(&[]), &x, &none);
        assert_eq!(d.hidden, ["x"]);
        assert_eq!(d.removed, [leaf(&["x", "a1"])]);
    }

    #[test]
    fn deltas_compose_and_a_change_taken_back_cancels() {
        let none = Value::Set(vec![]);
        let x = Value::Set(vec!["x".into()]);
        let add = Delta::between(&live(&[]), &live(&[("x", &["a1"])]), &none, &x);
        let remove = Delta::between(&live(&[("x", &["a1"])]), &live(&[]), &x, &none);
        assert!(add.clone().then(&remove).is_empty());
        assert_eq!(add.clone().inverse(), remove);
        let again = Delta::between(&live(&[]), &live(&[("x", &["a2"])]), &none, &x);
        let both = remove.then(&again);
        assert_eq!(both.added, [leaf(&["x", "a2"])]);
        assert_eq!(both.removed, [leaf(&["x", "a1"])]);
        assert!(both.shown.is_empty() && both.hidden.is_empty());
    }

    /// Every leaf of both sides, then the differences: what `between` must agree with.
    fn naive(before: &[Field], after: &[Field]) -> (Vec<Leaf>, Vec<Leaf>) {
        let all = |fields: &[Field]| {
            let mut out = BTreeSet::new();
            fields
                .iter()
                .for_each(|f| leaves_into(f.name, &f.value, &mut out));
            out
        };
        let (old, new) = (all(before), all(after));
        (
            new.difference(&old).cloned().collect(),
            old.difference(&new).cloned().collect(),
        )
    }

    proptest::proptest! {
        #[test]
        fn between_finds_the_leaves_that_came_and_went(
            a in proptest::collection::btree_map(0..6u8, proptest::collection::btree_set(0..4u8, 0..3), 0..5),
            b in proptest::collection::btree_map(0..6u8, proptest::collection::btree_set(0..4u8, 0..3), 0..5),
            clock_a in 0..3u8,
            clock_b in 0..3u8,
        ) {
            let fields = |m: &std::collections::BTreeMap<u8, BTreeSet<u8>>, clock: u8| {
                let entries = m.iter().map(|(k, tags)| {
                    (format!("e{k}"), Value::Set(tags.iter().map(|t| format!("a{t}")).collect()))
                });
                vec![
                    Field::new("live", Role::Live, Value::Map(entries.collect())),
                    Field::new("clock", Role::Meta, Value::Scalar(clock.to_string())),
                ]
            };
            let (before, after) = (fields(&a, clock_a), fields(&b, clock_b));
            let none = Value::Set(vec![]);
            let d = Delta::between(&before, &after, &none, &none);
            proptest::prop_assert_eq!((d.added, d.removed), naive(&before, &after));
        }
    }
}
