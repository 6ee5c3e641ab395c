//! The lines of a cluster run that show a failure: the slice of its history about the failure's elements.

use super::Cluster;
use crate::crdt::Elem;
use crate::grade::history::Op;
use crate::grade::model::facts;
use crate::grade::report::Section;
use crate::grade::verdict::{Failure, Line, set_text};
use serde_json::Value;
use std::collections::BTreeSet;

impl Cluster<'_> {
    /// A failure with the lines of the run that show it. For a read: the node's requests about
    /// the failure's elements, its reads where they changed, and the merges that brought them.
    /// For the end of the run: every node's last read, each node's last request about them, and
    /// the last merge that brought them to each node.
    pub(super) fn section(&self, failure: &Failure) -> Section {
        let end = failure.line.map_or(self.transcript.len(), |l| l + 1);
        let elems = &failure.elems;
        let mut keep = BTreeSet::new();
        let pair = |keep: &mut BTreeSet<usize>, at: usize| {
            keep.insert(at);
            keep.extend(self.asked.get(&at));
        };
        if let Some(at) = failure.line {
            pair(&mut keep, at);
        }
        let at_end = failure
            .line
            .is_some_and(|l| self.last_reads.iter().any(|(at, _)| *at == l));
        let failing = failure.line.and_then(|l| {
            self.names
                .iter()
                .position(|n| *n == self.transcript[l].node)
        });
        let nodes: Vec<usize> = match failing {
            Some(k) if !at_end => vec![k],
            _ => (0..self.names.len()).collect(),
        };
        if elems.is_empty() {
            keep.extend(end.saturating_sub(6)..end);
        }
        for &k in nodes.iter().filter(|_| !elems.is_empty()) {
            let ops: Vec<&Op> = self
                .history
                .ops
                .iter()
                .filter(|op| op.node == k && elems.contains(&op.elem) && op.acked < end)
                .collect();
            if at_end {
                // Each node's last add and last remove of them.
                for add in [true, false] {
                    ops.iter()
                        .rfind(|op| op.add == add)
                        .into_iter()
                        .for_each(|op| pair(&mut keep, op.acked));
                }
            } else {
                ops.iter().for_each(|op| pair(&mut keep, op.acked));
            }
            if !at_end {
                let mut before: Option<Vec<bool>> = None;
                for (at, set) in self.history.reads[k].iter().filter(|(at, _)| *at < end) {
                    let now: Vec<bool> = elems.iter().map(|e| set.contains(e)).collect();
                    if before.as_ref().is_some_and(|b| *b != now) {
                        pair(&mut keep, *at);
                    }
                    before = Some(now);
                }
                keep.extend(
                    elems
                        .iter()
                        .filter_map(|e| self.history.first_told(k, e, true))
                        .filter(|&l| l < end),
                );
            }
            let last_merge = (0..end).rev().find(|&l| {
                let line = &self.transcript[l];
                line.sent && line.node == self.names[k] && self.carries(&line.text, elems)
            });
            keep.extend(last_merge);
        }
        if at_end {
            self.last_reads
                .iter()
                .for_each(|(at, _)| pair(&mut keep, *at));
        }
        let history: Vec<(usize, Line)> = keep
            .into_iter()
            .filter(|&k| k < self.transcript.len())
            .map(|k| (k, self.transcript[k].clone()))
            .collect();
        let mut source = format!(
            "{} of the run's {} lines",
            history.len(),
            self.transcript.len()
        );
        if !elems.is_empty() {
            source.push_str(&format!(", those about {}", set_text(elems)));
            for note in &self.net_notes {
                source.push_str(&format!("; {note}"));
            }
        }
        Section {
            failure: failure.clone(),
            history,
            source,
        }
    }

    /// Whether a line is a merge message that has any of `elems`.
    pub(super) fn carries(&self, text: &str, elems: &[Elem]) -> bool {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return false;
        };
        let body = &message["body"];
        let merge = self.merge_shape.get("type");
        body.get("type") == merge && elems.iter().any(|e| facts(body, e) != Default::default())
    }
}
