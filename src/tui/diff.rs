//! What the panels mark as changed: read off the lab's own record of what changed (a delta per
//! replica, field by field), never worked out again from the screen. This file only turns those
//! deltas into the leaf paths the panels match while they draw.

use crate::lab::Change;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Separates a map key from what is under it in a leaf path.
pub const UNDER: char = '\u{1f}';
/// Marks a leaf path that stands for a map key itself.
pub const KEY: char = '\u{1e}';

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// Replicas whose state changed.
    pub replicas: BTreeSet<String>,
    /// New leaves per (replica, field name); "value" is the visible value.
    leaves: HashMap<(String, String), HashSet<String>>,
    /// Leaves that went, per (replica, field name).
    removed: HashMap<(String, String), Vec<String>>,
    /// Elements that were visible before and are not now, per replica.
    gone: HashMap<String, Vec<String>>,
}

impl Changes {
    /// The marks for what the lab says changed.
    pub fn of(changes: &[Change]) -> Changes {
        let mut out = Changes::default();
        for change in changes.iter().filter(|c| !c.delta.is_empty()) {
            let name = &change.replica;
            out.replicas.insert(name.clone());
            let d = &change.delta;
            for leaf in &d.added {
                let key = (name.clone(), leaf.field.to_string());
                out.leaves.entry(key).or_default().insert(path(&leaf.path));
            }
            for leaf in &d.removed {
                let key = (name.clone(), leaf.field.to_string());
                out.removed
                    .entry(key)
                    .or_default()
                    .push(leaf.path.join(": "));
            }
            let shown = d.shown.iter().cloned();
            let value = (name.clone(), "value".to_string());
            out.leaves.entry(value).or_default().extend(shown);
            if !d.hidden.is_empty() {
                out.gone.insert(name.clone(), d.hidden.clone());
            }
        }
        out
    }

    /// The new leaves of one field of one replica ("value" for the visible value).
    pub fn field(&self, replica: &str, field: &str) -> Option<&HashSet<String>> {
        let found = self.leaves.get(&(replica.to_string(), field.to_string()));
        found.filter(|leaves| !leaves.is_empty())
    }

    /// The leaves that left one field of one replica, as `key: leaf`.
    pub fn removed(&self, replica: &str, field: &str) -> &[String] {
        let found = self.removed.get(&(replica.to_string(), field.to_string()));
        found.map_or(&[], Vec::as_slice)
    }

    pub fn replica(&self, name: &str) -> bool {
        self.replicas.contains(name)
    }

    /// Elements that left the replica's visible value.
    pub fn gone(&self, name: &str) -> &[String] {
        self.gone.get(name).map_or(&[], Vec::as_slice)
    }
}

/// A leaf path as the panels build it while drawing: the keys joined by [`UNDER`].
fn path(parts: &[String]) -> String {
    parts.join(&UNDER.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;
    use crate::script::execute;

    fn run(lab: &mut Lab, line: &str) -> Changes {
        execute(lab, line).unwrap_or_else(|e| panic!("{line}: {e}"));
        Changes::of(lab.last_changes())
    }

    #[test]
    fn a_merge_marks_just_the_new_tag_on_the_receiver() {
        let mut lab = Lab::new();
        run(&mut lab, "A add x");
        run(&mut lab, "B add x");
        let changes = run(&mut lab, "A merge B");
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
    fn a_remove_reports_the_element_gone_the_tag_that_left_and_the_new_tombstone() {
        let mut lab = Lab::new();
        run(&mut lab, "A add x");
        let changes = run(&mut lab, "A remove x");
        assert_eq!(changes.gone("A"), ["x"]);
        assert_eq!(changes.removed("A", "live"), ["x: a1"]);
        assert!(
            changes
                .field("A", "tombstones")
                .is_some_and(|t| t.contains(&format!("x{UNDER}a1")))
        );
    }

    #[test]
    fn a_command_that_changes_nothing_marks_nothing() {
        let mut lab = Lab::new();
        run(&mut lab, "A add x");
        run(&mut lab, "sync");
        let again = run(&mut lab, "sync");
        assert!(again.replicas.is_empty(), "{again:?}");
    }
}
