//! What changed between two views of a lab: which replicas, which items of which fields (down to
//! single tags), and which elements left a replica's visible value. Panels highlight these.

use crate::crdt::Value;
use crate::lab::{LabView, ReplicaView};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Separates a map key from what is under it in a leaf path.
pub const UNDER: char = '\u{1f}';
/// Marks a leaf path that stands for a map key itself.
pub const KEY: char = '\u{1e}';

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// Replicas whose state changed, or that the last command touched.
    pub replicas: BTreeSet<String>,
    /// New leaves per (replica, field name); "value" is the visible value.
    leaves: HashMap<(String, String), HashSet<String>>,
    /// Elements that were visible before and are not now, per replica.
    gone: HashMap<String, Vec<String>>,
}

impl Changes {
    /// Compare `before` with `now`. `touched` are the replicas the last command named.
    pub fn between(before: Option<&LabView>, now: &LabView) -> Changes {
        let mut changes = Changes::default();
        changes.replicas.extend(now.changed.iter().cloned());
        let Some(before) = before else { return changes };
        for replica in &now.replicas {
            match before.replicas.iter().find(|r| r.name == replica.name) {
                Some(old) if same_fields(old, replica) => changes.compare(old, replica),
                Some(_) | None => {
                    changes.replicas.insert(replica.name.clone());
                }
            }
        }
        changes
    }

    fn compare(&mut self, old: &ReplicaView, new: &ReplicaView) {
        let name = &new.name;
        self.note(name, "value", &old.visible, &new.visible);
        let gone = gone(&old.visible, &new.visible);
        if !gone.is_empty() {
            self.replicas.insert(name.clone());
            self.gone.insert(name.clone(), gone);
        }
        for field in &new.fields {
            let was = old
                .fields
                .iter()
                .find(|f| f.name == field.name)
                .map(|f| &f.value);
            match was {
                Some(was) if was == &field.value => {}
                Some(was) => {
                    self.replicas.insert(name.clone());
                    self.note(name, field.name, was, &field.value);
                }
                None => {
                    self.replicas.insert(name.clone());
                }
            }
        }
    }

    fn note(&mut self, replica: &str, field: &str, was: &Value, now: &Value) {
        if was == now {
            return;
        }
        self.replicas.insert(replica.to_string());
        let old: HashSet<String> = leaves(was).into_iter().collect();
        let new: HashSet<String> = leaves(now)
            .into_iter()
            .filter(|l| !old.contains(l))
            .collect();
        if !new.is_empty() {
            self.leaves
                .insert((replica.to_string(), field.to_string()), new);
        }
    }

    /// The new leaves of one field of one replica ("value" for the visible value).
    pub fn field(&self, replica: &str, field: &str) -> Option<&HashSet<String>> {
        self.leaves.get(&(replica.to_string(), field.to_string()))
    }

    pub fn replica(&self, name: &str) -> bool {
        self.replicas.contains(name)
    }

    /// Elements that left the replica's visible value.
    pub fn gone(&self, name: &str) -> &[String] {
        self.gone.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Two views of one replica are comparable when they have the same fields (the same set type).
fn same_fields(a: &ReplicaView, b: &ReplicaView) -> bool {
    a.fields
        .iter()
        .map(|f| f.name)
        .eq(b.fields.iter().map(|f| f.name))
}

/// Every leaf of a value as a path: set items, map keys (ending in [`KEY`]) and what is under
/// each key (`key` [`UNDER`] leaf).
pub fn leaves(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect(value, "", &mut out);
    out
}

fn collect(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Scalar(s) => out.push(format!("{prefix}{s}")),
        Value::Set(items) => out.extend(items.iter().map(|i| format!("{prefix}{i}"))),
        Value::Map(pairs) => {
            for (k, v) in pairs {
                out.push(format!("{prefix}{k}{KEY}"));
                collect(v, &format!("{prefix}{k}{UNDER}"), out);
            }
        }
    }
}

fn gone(was: &Value, now: &Value) -> Vec<String> {
    let (Value::Set(old), Value::Set(new)) = (was, now) else {
        return vec![];
    };
    let now: HashSet<&String> = new.iter().collect();
    old.iter().filter(|e| !now.contains(e)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;
    use crate::script::execute;

    fn run(lab: &mut Lab, line: &str) {
        execute(lab, line).unwrap_or_else(|e| panic!("{line}: {e}"));
    }

    #[test]
    fn a_merge_highlights_just_the_new_tag_on_the_receiver() {
        let mut lab = Lab::new();
        run(&mut lab, "A add x");
        run(&mut lab, "B add x");
        let before = lab.view();
        run(&mut lab, "A merge B");
        let changes = Changes::between(Some(&before), &lab.view());
        assert!(changes.replica("A") && !changes.replica("B"));
        let live = changes.field("A", "live").unwrap();
        assert_eq!(live.len(), 1);
        assert!(live.contains(&format!("x{UNDER}b1")), "{live:?}");
        assert!(
            changes.field("A", "value").is_none(),
            "x was already visible on A"
        );
    }

    #[test]
    fn a_remove_reports_the_element_gone_and_the_new_tombstone() {
        let mut lab = Lab::new();
        run(&mut lab, "A add x");
        let before = lab.view();
        run(&mut lab, "A remove x");
        let changes = Changes::between(Some(&before), &lab.view());
        assert_eq!(changes.gone("A"), ["x"]);
        assert!(
            changes
                .field("A", "tombstones")
                .is_some_and(|t| t.contains(&format!("x{UNDER}a1")))
        );
    }

    #[test]
    fn nothing_before_means_only_the_touched_replicas() {
        let mut lab = Lab::new();
        run(&mut lab, "B add y");
        let changes = Changes::between(None, &lab.view());
        assert_eq!(changes.replicas.iter().collect::<Vec<_>>(), ["B"]);
    }
}
