//! Labelled fields: how each set type describes its internals to the faces, exports and `expect`.

use super::{Elem, Tag};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

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

impl Value {
    /// The canonical text with all white space dropped, for comparing with what a user typed.
    pub fn normalized(&self) -> String {
        normalize(&self.to_string())
    }
}

/// Drop white space, so `{x: {b1}}` and `{x:{b1}}` compare equal.
pub fn normalize(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
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

/// Render a sorted list of displayable things as `{a, b}`.
pub(crate) fn set_of<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Set(items.into_iter().map(|i| i.to_string()).collect())
}

/// Render elem → tags as `{x: {a1, b1}}`.
pub(crate) fn tag_map<'a, Tags: 'a>(map: &'a BTreeMap<Elem, Tags>) -> Value
where
    &'a Tags: IntoIterator<Item = &'a Tag>,
{
    Value::Map(
        map.iter()
            .map(|(e, tags)| (e.to_string(), set_of(tags)))
            .collect(),
    )
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
        assert_eq!(map.normalized(), normalize("{x:{ b1 }}"));
        assert_eq!(Value::Set(vec![]).to_string(), "{}");
    }
}
