//! The merge payloads that carry tags, dots, clocks and timestamps, to and from JSON.
//!
//! A tag (or dot) travels as `"n1:3"`: the node id, a colon, and that node's counter. Maps keyed by
//! element travel as lists of pairs, `[["x", ["n1:1"]], [5, ["n2:1"]]]`, so that an integer
//! element stays an integer (JSON object keys are always strings).

use super::wire::{Failure, kind_of, value_to_elem};
use crate::crdt::{Clock, Elem, Name, Stamp, Tag, TagMap};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A tag as it travels: `n1:3`.
pub fn tag_to_wire(tag: &Tag) -> String {
    format!("{}:{}", tag.replica, tag.n)
}

/// Read `n1:3` back; the node id may itself contain colons.
pub fn tag_from_wire(text: &str) -> Option<Tag> {
    let (replica, digits) = text.rsplit_once(':')?;
    let n: u64 = digits.parse().ok()?;
    let canonical = n > 0 && n.to_string() == digits && !replica.is_empty();
    canonical.then(|| Tag::new(&replica.into(), n))
}

pub fn elem_to_json(elem: &Elem) -> Value {
    match elem {
        Elem::Int(n) => Value::from(*n),
        Elem::Str(s) => Value::from(s.as_ref()),
    }
}

/// `{x: {n1:1}}` as `[["x", ["n1:1"]]]`.
pub fn tag_map_to_json<'a, Tags: 'a>(map: &'a BTreeMap<Elem, Tags>) -> Value
where
    &'a Tags: IntoIterator<Item = &'a Tag>,
{
    let pairs = map.iter().map(|(elem, tags)| {
        let tags: Vec<String> = tags.into_iter().map(tag_to_wire).collect();
        json!([elem_to_json(elem), tags])
    });
    Value::Array(pairs.collect())
}

/// Read a list of `[element, [tag, ...]]` pairs; the same element twice unites its tags.
pub fn tag_map_from_json(
    value: Option<&Value>,
    request: &str,
    name: &str,
) -> Result<TagMap, Failure> {
    let shape = "a list of [element, [tags]] pairs, each tag like \"n1:3\"";
    let bad =
        |what: String| Failure::malformed(format!("{request} needs {name}: {shape} ({what})"));
    let mut map = TagMap::new();
    for pair in list(value).map_err(|what| bad(format!("got {what}")))? {
        let (elem, tags) = match pair.as_array().map(Vec::as_slice) {
            Some([elem, Value::Array(tags)]) => (elem, tags),
            _ => return Err(bad(format!("got {}", describe(pair)))),
        };
        let elem = value_to_elem(elem).map_err(|what| bad(format!("an element was {what}")))?;
        let entry = map.entry(elem).or_default();
        for tag in tags {
            let read = tag.as_str().and_then(tag_from_wire);
            entry.insert(read.ok_or_else(|| bad(format!("got the tag {tag}")))?);
        }
    }
    Ok(map)
}

/// A version vector as an object: `{"n1": 2, "n2": 1}`.
pub fn clock_to_json(clock: &Clock) -> Value {
    let pairs = clock
        .iter()
        .map(|(node, n)| (node.to_string(), Value::from(*n)));
    Value::Object(pairs.collect())
}

pub fn clock_from_json(value: Option<&Value>, request: &str) -> Result<Clock, Failure> {
    let bad = |what: String| {
        Failure::malformed(format!(
            "{request} needs clock: an object of node ids to counters, like {{\"n1\": 2}} ({what})"
        ))
    };
    let Some(Value::Object(pairs)) = value else {
        return Err(bad(format!("got {}", value.map_or("nothing", kind_of))));
    };
    let read = |(node, n): (&String, &Value)| match n.as_u64() {
        Some(n) => Ok((Name::from(node.as_str()), n)),
        None => Err(bad(format!("{node} had {}", describe(n)))),
    };
    pairs.iter().map(read).collect()
}

/// LWW timestamps as `[element, time, node]` triples (`[element, time]` for a stamp with no node).
pub fn stamps_to_json(map: &BTreeMap<Elem, Stamp>) -> Value {
    let triples = map.iter().map(|(elem, stamp)| match &stamp.by {
        Some(by) => json!([elem_to_json(elem), stamp.time, by.as_ref()]),
        None => json!([elem_to_json(elem), stamp.time]),
    });
    Value::Array(triples.collect())
}

/// Read `[element, time, node]` triples; the same element twice keeps the later stamp.
pub fn stamps_from_json(
    value: Option<&Value>,
    request: &str,
    name: &str,
) -> Result<BTreeMap<Elem, Stamp>, Failure> {
    let shape = "a list of [element, time, node] triples";
    let bad =
        |what: String| Failure::malformed(format!("{request} needs {name}: {shape} ({what})"));
    let mut map = BTreeMap::new();
    for triple in list(value).map_err(|what| bad(format!("got {what}")))? {
        let (elem, time, by) = match triple.as_array().map(Vec::as_slice) {
            Some([elem, time, Value::String(by)]) => (elem, time, Some(Name::from(by.as_str()))),
            Some([elem, time]) => (elem, time, None),
            _ => return Err(bad(format!("got {}", describe(triple)))),
        };
        let elem = value_to_elem(elem).map_err(|what| bad(format!("an element was {what}")))?;
        let time = time
            .as_u64()
            .ok_or_else(|| bad(format!("a time was {}", describe(time))))?;
        let stamp = Stamp {
            time,
            by,
            ..Stamp::default()
        };
        match map.get(&elem) {
            Some(old) if *old >= stamp => {}
            _ => {
                map.insert(elem, stamp);
            }
        }
    }
    Ok(map)
}

fn list(value: Option<&Value>) -> Result<&Vec<Value>, &'static str> {
    match value {
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(kind_of(other)),
        None => Err("nothing"),
    }
}

/// A short quote of a bad value for an error text.
fn describe(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn tag(replica: &str, n: u64) -> Tag {
        Tag::new(&replica.into(), n)
    }

    #[test]
    fn tags_travel_as_node_colon_counter_and_stay_unique_across_nodes() {
        assert_eq!(tag_to_wire(&tag("n1", 11)), "n1:11");
        assert_ne!(tag_to_wire(&tag("n1", 11)), tag_to_wire(&tag("n11", 1)));
        assert_eq!(tag_from_wire("n1:11"), Some(tag("n1", 11)));
        assert_eq!(tag_from_wire("host:7:2"), Some(tag("host:7", 2)));
        for bad in ["n1", "n1:", ":3", "n1:0", "n1:-1", "n1:+1", "n1:01", "n1:x"] {
            assert_eq!(tag_from_wire(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_tag_map_round_trips_and_keeps_integer_elements_integers() {
        let mut map = TagMap::new();
        map.insert(Elem::Int(5), BTreeSet::from([tag("n2", 1)]));
        map.insert(
            Elem::Str("x".into()),
            BTreeSet::from([tag("n1", 1), tag("n1", 2)]),
        );
        let json = tag_map_to_json(&map);
        assert_eq!(json.to_string(), r#"[[5,["n2:1"]],["x",["n1:1","n1:2"]]]"#);
        assert_eq!(
            tag_map_from_json(Some(&json), "or_set_merge", "live"),
            Ok(map)
        );
    }

    #[test]
    fn a_bad_tag_is_named_in_the_error() {
        let json = json!([["x", ["n1:1", "b1"]]]);
        let err = tag_map_from_json(Some(&json), "or_set_merge", "live").unwrap_err();
        assert_eq!(err.code, 12);
        assert!(err.text.ends_with("(got the tag \"b1\")"), "{}", err.text);
    }

    #[test]
    fn stamps_round_trip_and_a_duplicate_keeps_the_later() {
        let json = json!([["x", 3, "n1"], ["x", 2, "n2"], [7, 1]]);
        let map = stamps_from_json(Some(&json), "merge", "adds").unwrap();
        assert_eq!(map[&Elem::Str("x".into())], Stamp::lamport(3, &"n1".into()));
        assert_eq!(stamps_to_json(&map).to_string(), r#"[[7,1],["x",3,"n1"]]"#);
        let err = stamps_from_json(Some(&json!([["x", -1, "n1"]])), "merge", "adds").unwrap_err();
        assert!(err.text.ends_with("(a time was -1)"), "{}", err.text);
    }

    #[test]
    fn a_clock_is_an_object_of_counters() {
        let json = json!({"n1": 2, "n2": 1});
        let clock = clock_from_json(Some(&json), "or_set_merge").unwrap();
        assert_eq!(clock_to_json(&clock), json);
        let err = clock_from_json(Some(&json!([])), "or_set_merge").unwrap_err();
        assert!(err.text.ends_with("(got a list)"), "{}", err.text);
    }
}
