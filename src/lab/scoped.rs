//! A replica described for some elements only: what the lab compares before and after a command
//! that can touch only those (an edit, a merge), so recording a change costs what it touches.

use crate::crdt::{AnySet, Elem, Field, Value};
use std::collections::HashSet;

/// The fields of `set` cut down to `elems` (each keyed field keeps their entries; a field not
/// keyed by element, such as a version vector, stays whole), and which of them are visible.
pub(super) fn describe_elems(set: &AnySet, elems: &[Elem]) -> (Vec<Field>, Value) {
    let shown = elems.iter().filter(|e| set.contains(e));
    let visible = Value::Set(shown.map(Elem::to_string).collect());
    let Some((first, rest)) = elems.split_first() else {
        // No element is touched: any element's cut will do, since its own entries (if it has
        // any) stay as they are, and the whole fields are the same whichever is asked about.
        return (set.describe_elem(&Elem::Int(0)), visible);
    };
    let mut fields = set.describe_elem(first);
    if rest.is_empty() {
        return (fields, visible);
    }
    let mut seen: Vec<HashSet<String>> = fields.iter().map(|f| keys(&f.value)).collect();
    for e in rest {
        for (k, field) in set.describe_elem(e).into_iter().enumerate() {
            let (Some(into), Some(seen)) = (fields.get_mut(k), seen.get_mut(k)) else {
                continue;
            };
            join(&mut into.value, field.value, seen);
        }
    }
    (fields, visible)
}

/// Add one element's cut of a field to the cuts gathered so far: set items and map entries not
/// seen yet (a whole field repeats the same entries, which are kept once); a scalar stays.
fn join(into: &mut Value, value: Value, seen: &mut HashSet<String>) {
    match (into, value) {
        (Value::Set(items), Value::Set(more)) => {
            items.extend(more.into_iter().filter(|i| seen.insert(i.clone())));
        }
        (Value::Map(pairs), Value::Map(more)) => {
            pairs.extend(more.into_iter().filter(|(k, _)| seen.insert(k.clone())));
        }
        _ => {}
    }
}

fn keys(value: &Value) -> HashSet<String> {
    match value {
        Value::Set(items) => items.iter().cloned().collect(),
        Value::Map(pairs) => pairs.iter().map(|(k, _)| k.clone()).collect(),
        Value::Scalar(_) => HashSet::new(),
    }
}
