//! What the panels mark as changed: read off the lab's own record of what changed (a delta per
//! replica, field by field), never worked out again from the screen. Each changed field gets a
//! tree of marks that follows its value: the leaves that came, and the entries that went with
//! where they stood, so a panel can show them struck through in the field they left.

use crate::crdt::{Delta, Leaf, Value};
use crate::lab::{Change, LabView};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The marks on one node of a value (a field, a map entry, a set of tags).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marks {
    /// This leaf came with the change.
    pub came: bool,
    /// The marks under each item or key, by its text.
    pub below: HashMap<String, Marks>,
    /// What went from directly under this node, in the order to draw it.
    pub gone: Vec<Gone>,
}

/// An item or entry that went: drawn struck through before the item now at `at` (at the end
/// when `at` is past the last).
#[derive(Clone, Debug, PartialEq)]
pub struct Gone {
    pub at: usize,
    pub key: String,
    /// What stood under a map key that went, if anything did.
    pub under: Option<Value>,
}

/// The marks of one replica.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marked {
    /// Marks per field, by the field's canonical name.
    pub fields: HashMap<&'static str, Marks>,
    /// Marks on the visible value: the elements that became visible.
    pub value: Marks,
    /// The elements that were visible and are not now.
    pub hidden: Vec<String>,
}

impl Marked {
    pub fn field(&self, name: &str) -> Option<&Marks> {
        self.fields.get(name)
    }
}

/// The marks of every replica that changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    replicas: BTreeMap<String, Marked>,
}

impl Changes {
    /// The marks for what the lab says changed. `before` and `now` (the lab as it was and as it
    /// is) say where what went stood; without `before` it is drawn at the end of its field.
    pub fn of(changes: &[Change], before: Option<&LabView>, now: &LabView) -> Changes {
        let mut replicas = BTreeMap::new();
        for change in changes.iter().filter(|c| !c.delta.is_empty()) {
            let marks = marked(
                &change.delta,
                fields_of(before, &change.replica),
                fields_of(Some(now), &change.replica),
            );
            replicas.insert(change.replica.clone(), marks);
        }
        Changes { replicas }
    }

    pub fn replica(&self, name: &str) -> Option<&Marked> {
        self.replicas.get(name)
    }

    /// Did this replica's state change?
    pub fn changed(&self, name: &str) -> bool {
        self.replicas.contains_key(name)
    }

    pub fn is_empty(&self) -> bool {
        self.replicas.is_empty()
    }
}

type Fields = [crate::crdt::Field];

fn fields_of<'v>(view: Option<&'v LabView>, replica: &str) -> &'v Fields {
    let found = view.and_then(|v| v.replicas.iter().find(|r| r.name == replica));
    found.map_or(&[][..], |r| r.fields.as_slice())
}

/// The marks of one replica's delta, given its fields before and now.
fn marked<'a>(delta: &Delta, before: &'a Fields, now: &'a Fields) -> Marked {
    let mut out = Marked::default();
    for leaf in &delta.added {
        let node = out.fields.entry(leaf.field).or_default();
        node.at(&leaf.path).came = true;
    }
    let mut went: BTreeMap<&'static str, Vec<&[String]>> = BTreeMap::new();
    for Leaf { field, path } in &delta.removed {
        went.entry(field).or_default().push(path);
    }
    let value =
        |fields: &'a Fields, name: &str| fields.iter().find(|f| f.name == name).map(|f| &f.value);
    for (field, paths) in went {
        let node = out.fields.entry(field).or_default();
        node.went(value(before, field), value(now, field), &paths);
    }
    for elem in &delta.shown {
        out.value.at(std::slice::from_ref(elem)).came = true;
    }
    out.hidden = delta.hidden.clone();
    out
}

impl Marks {
    /// The node at a path below this one, made if missing.
    fn at(&mut self, path: &[String]) -> &mut Marks {
        match path.split_first() {
            None => self,
            Some((first, rest)) => self.below.entry(first.clone()).or_default().at(rest),
        }
    }

    /// Record the leaves below this node that went (`paths`), given the node's value before and now.
    fn went(&mut self, before: Option<&Value>, now: Option<&Value>, paths: &[&[String]]) {
        let mut groups: BTreeMap<&str, Vec<&[String]>> = BTreeMap::new();
        for path in paths {
            if let Some((first, rest)) = path.split_first() {
                groups.entry(first).or_default().push(rest);
            }
        }
        let was: Vec<&str> = before.map(keys).unwrap_or_default();
        let is: Vec<&str> = now.map(keys).unwrap_or_default();
        let here: HashSet<&str> = is.iter().copied().collect();
        for (key, rests) in groups {
            let deeper: Vec<&[String]> = rests.iter().copied().filter(|r| !r.is_empty()).collect();
            let (old, new) = (
                before.and_then(|b| under(b, key)),
                now.and_then(|n| under(n, key)),
            );
            if here.contains(key) && new.is_some() {
                // Still there: what went is below it.
                self.below
                    .entry(key.to_string())
                    .or_default()
                    .went(old, new, &deeper);
                continue;
            }
            self.gone.push(Gone {
                at: position(key, &was, &is, &here),
                key: key.to_string(),
                under: old.cloned().or_else(|| rebuilt(&deeper)),
            });
        }
        self.gone.sort_by_key(|g| g.at);
    }
}

/// What stood under `key` in a value.
fn under<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Map(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// The items or keys of a value, in order (a scalar is its one item).
fn keys(value: &Value) -> Vec<&str> {
    match value {
        Value::Scalar(s) => vec![s.as_str()],
        Value::Set(items) => items.iter().map(String::as_str).collect(),
        Value::Map(pairs) => pairs.iter().map(|(k, _)| k.as_str()).collect(),
    }
}

/// What went under a key, from the leaves alone, when the value before is not known.
fn rebuilt(deeper: &[&[String]]) -> Option<Value> {
    if deeper.is_empty() {
        return None;
    }
    let items = deeper.iter().filter_map(|p| p.first().cloned()).collect();
    Some(Value::Set(items))
}

/// An order for items that reads like the core's: whole numbers first, by value, then text with
/// runs of digits compared as numbers (`a2` before `a10`). Used only to place an item that went
/// among items that came, where nothing else says where it stood.
pub fn natural(a: &str, b: &str) -> Ordering {
    let int = |s: &str| s.parse::<i64>().ok().filter(|n| n.to_string() == s);
    match (int(a), int(b)) {
        (Some(x), Some(y)) => return x.cmp(&y),
        (Some(_), None) => return Ordering::Less,
        (None, Some(_)) => return Ordering::Greater,
        (None, None) => {}
    }
    let (mut x, mut y) = (a, b);
    while !x.is_empty() && !y.is_empty() {
        let (rx, tx) = run(x);
        let (ry, ty) = run(y);
        let digits = |r: &str| r.starts_with(|c: char| c.is_ascii_digit());
        let order = match (digits(rx), digits(ry)) {
            (true, true) => (rx.len(), rx).cmp(&(ry.len(), ry)),
            _ => rx.cmp(ry),
        };
        if order != Ordering::Equal {
            return order;
        }
        (x, y) = (tx, ty);
    }
    x.len().cmp(&y.len())
}

/// The first run of digits or of other characters, and the rest.
fn run(text: &str) -> (&str, &str) {
    let digit = text.starts_with(|c: char| c.is_ascii_digit());
    let end = text
        .find(|c: char| c.is_ascii_digit() != digit)
        .unwrap_or(text.len());
    text.split_at(end)
}

/// Where a key that went goes among the keys now: just before the next key that stood after it
/// and is still there; among keys that came in between, by [`natural`] order.
fn position(key: &str, before: &[&str], now: &[&str], here: &HashSet<&str>) -> usize {
    let index_now = |k: &str| now.iter().position(|n| *n == k);
    let Some(b) = before.iter().position(|k| *k == key) else {
        return now.len();
    };
    let next = before[b + 1..].iter().find(|k| here.contains(*k));
    let anchor = next.and_then(|k| index_now(k)).unwrap_or(now.len());
    let prev = before[..b].iter().rev().find(|k| here.contains(*k));
    let low = prev
        .and_then(|k| index_now(k))
        .map_or(0, |i| i + 1)
        .min(anchor);
    let came = |i: &usize| !before.contains(&now[*i]);
    (low..anchor)
        .find(|i| came(i) && natural(now[*i], key) == Ordering::Greater)
        .unwrap_or(anchor)
}
