//! A cluster's client history (every add, remove and read, with the tags the nodes answered) and what it lets a read, and the final state, be under each type's rule.

use super::model::{carried, removing};
use super::verdict::{Check, Failure, Semantic, rule, semantic_rule, set_text, show};
use crate::crdt::Elem;
use crate::node::NodeType;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One acknowledged add or remove.
#[derive(Clone, Debug)]
pub struct Op {
    pub node: usize,
    pub add: bool,
    pub elem: Elem,
    /// The transcript lines of the request and of its reply.
    pub sent: usize,
    pub acked: usize,
    /// OR-Set: the add's tag, or the tags the remove took out.
    pub tags: Vec<String>,
}

/// A merge delivered to a node that carried an element: its line, sender and field.
#[derive(Clone, Debug)]
pub struct Told {
    pub line: usize,
    pub from: String,
    pub field: &'static str,
}

#[derive(Clone, Debug)]
pub struct History {
    kind: NodeType,
    names: Vec<String>,
    pub ops: Vec<Op>,
    /// Each node's reads: the line of the reply and what it read.
    pub reads: Vec<Vec<(usize, BTreeSet<Elem>)>>,
    /// For each node, the first merge delivered to it that carried an element as added, and the
    /// first that carried it as removed.
    told: Vec<BTreeMap<(Elem, bool), Told>>,
}

fn line(k: usize) -> String {
    format!("line {}", k + 1)
}

/// Whether `b` may have come after `a` as far as the grader can tell: it ran on another node
/// (which may or may not have heard of `a`), or on the same node after `a` was answered.
fn maybe_after(b: &Op, a: &Op) -> bool {
    b.node != a.node || b.sent > a.acked
}

impl History {
    pub fn new(kind: NodeType, names: &[String]) -> History {
        History {
            kind,
            names: names.to_vec(),
            ops: Vec::new(),
            reads: vec![Vec::new(); names.len()],
            told: vec![BTreeMap::new(); names.len()],
        }
    }

    /// A merge message from `from` was written to `node` on `line`.
    pub fn delivered(&mut self, node: usize, from: &str, body: &Value, line: usize) {
        for (e, field) in carried(body) {
            let told = Told {
                line,
                from: from.to_string(),
                field,
            };
            self.told[node].entry((e, removing(field))).or_insert(told);
        }
    }

    /// The line of the first merge that told `node` that `e` was added (or removed).
    pub fn first_told(&self, node: usize, e: &Elem, removed: bool) -> Option<usize> {
        self.told[node].get(&(e.clone(), removed)).map(|t| t.line)
    }

    /// The merge that told `node`, before line `before`, that `e` was added (or removed).
    fn told(&self, node: usize, e: &Elem, removed: bool, before: usize) -> Option<&Told> {
        self.told[node]
            .get(&(e.clone(), removed))
            .filter(|t| t.line < before)
    }

    fn ops_on<'a>(&'a self, e: &Elem) -> impl Iterator<Item = &'a Op> + 'a {
        let e = e.clone();
        self.ops.iter().filter(move |op| op.elem == e)
    }

    /// Whether a 2P-Set node may be asked to remove `e`: it acknowledged an add of it, or read it.
    pub fn has_seen(&self, node: usize, e: &Elem) -> bool {
        self.ops_on(e).any(|op| op.node == node && op.add)
            || self.reads[node].last().is_some_and(|(_, r)| r.contains(e))
    }

    /// Whether a tag was answered for an earlier add; `Err` with the earlier add's line.
    pub fn fresh_tag(&self, tag: &str) -> Result<(), usize> {
        let earlier = self
            .ops
            .iter()
            .find(|op| op.add && op.tags.iter().any(|t| t == tag));
        earlier.map_or(Ok(()), |op| Err(op.acked))
    }

    /// The tags of `e` that a remove took out, none of which any add of `e` minted.
    pub fn unknown_tags(&self, e: &Elem, removed: &[String]) -> Vec<String> {
        let minted: BTreeSet<&String> = self
            .ops_on(e)
            .filter(|op| op.add)
            .flat_map(|op| &op.tags)
            .collect();
        removed
            .iter()
            .filter(|t| !minted.contains(t))
            .cloned()
            .collect()
    }

    fn tags_removed(&self, e: &Elem, node: Option<usize>) -> BTreeSet<&String> {
        self.ops_on(e)
            .filter(|op| !op.add && node.is_none_or(|n| op.node == n))
            .flat_map(|op| &op.tags)
            .collect()
    }

    /// An add of `e` whose tag no remove took out (of those by `node`, or by anyone).
    fn live_add(&self, e: &Elem, node: Option<usize>) -> Option<&Op> {
        let dead = self.tags_removed(e, node);
        self.ops_on(e)
            .find(|op| op.add && op.tags.iter().any(|t| !dead.contains(t)))
    }

    /// An add of `e` sent after every remove of it had been answered: no remove observed it.
    fn add_after_removes(&self, e: &Elem) -> Option<&Op> {
        let last_remove = self.ops_on(e).filter(|op| !op.add).map(|op| op.acked).max();
        self.ops_on(e)
            .filter(|op| op.add)
            .find(|op| last_remove.is_none_or(|r| op.sent > r))
    }

    /// ORSWOT: whether every add of `e` is known to be out. An add replaces the dots its node has
    /// seen, so an add is out when its dot was removed, or when a later remove, or a later add
    /// that is itself out, happened on the same node. (A dot replaced on another node leaves no
    /// trace in the replies, so such an add is not known to be out.)
    fn every_add_out(&self, e: &Elem) -> bool {
        let removed = self.tags_removed(e, None);
        let mut later_out: BTreeSet<usize> = BTreeSet::new();
        for op in self.ops_on(e).collect::<Vec<_>>().into_iter().rev() {
            let out = !op.add
                || later_out.contains(&op.node)
                || op.tags.iter().all(|t| removed.contains(t));
            if !out {
                return false;
            }
            later_out.insert(op.node);
        }
        true
    }

    /// Check a read by `node` (request on `sent`, reply on `at`) against everything before
    /// it; then remember it.
    pub fn read(
        &mut self,
        node: usize,
        got: BTreeSet<Elem>,
        sent: usize,
        at: usize,
    ) -> Vec<Failure> {
        let mut found = Vec::new();
        for e in &got {
            found.extend(self.present(node, e, sent, at));
        }
        let mut owed: BTreeSet<Elem> = self
            .ops
            .iter()
            .filter(|op| op.node == node && op.add)
            .map(|op| op.elem.clone())
            .collect();
        if self.kind == NodeType::Gset {
            owed.extend(
                self.told[node]
                    .iter()
                    .filter(|(_, t)| t.line < sent)
                    .map(|((e, _), _)| e.clone()),
            );
        }
        for e in owed.iter().filter(|e| !got.contains(e)) {
            found.extend(self.absent(node, e, sent, at));
        }
        if self.kind == NodeType::Gset
            && let Some((before, had)) = self.reads[node].last()
            && let Some(e) = had.difference(&got).next()
        {
            let who = &self.names[node];
            found.push(self.semantic(
                Semantic::OnlyGrows,
                at,
                e,
                format!(
                    "{who} read {} at {}, but its read at {} is {}",
                    show(e),
                    line(*before),
                    line(at),
                    set_text(&got)
                ),
            ));
        }
        self.reads[node].push((at, got));
        found
    }

    fn semantic(&self, which: Semantic, at: usize, e: &Elem, detail: String) -> Failure {
        Failure::new(Check::Semantics, semantic_rule(self.kind, which), detail)
            .at(at)
            .about(e)
    }

    /// `node` reads `e`: it must have been added, and not be kept out by a remove the node made
    /// or (in a 2P-Set) a merge it was given.
    fn present(&self, node: usize, e: &Elem, sent: usize, at: usize) -> Option<Failure> {
        let s = show(e);
        let who = &self.names[node];
        if !self.ops_on(e).any(|op| op.add) {
            let detail = format!(
                "{who}'s read at {} has {s}, but no client ever added {s}",
                line(at)
            );
            return Some(
                Failure::new(Check::SetFull, rule::NEVER_ADDED, detail)
                    .at(at)
                    .about(e),
            );
        }
        if self.kind == NodeType::TwoPSet
            && let Some(t) = self.told(node, e, true, sent)
        {
            let detail = format!(
                "{who} was given {from}'s merge at {} with {s} in its {field}, so {s} is in {who}'s \
                 remove-set for good; yet its read at {} has {s}",
                line(t.line),
                line(at),
                from = t.from,
                field = t.field
            );
            return Some(self.semantic(Semantic::RemovedStaysOut, at, e, detail));
        }
        let own_remove = self
            .ops_on(e)
            .filter(|op| op.node == node && !op.add)
            .last()?;
        let removed = line(own_remove.acked);
        let read = line(at);
        let detail = match self.kind {
            NodeType::TwoPSet => format!(
                "{who} removed {s} ({removed}), so {s} is in its remove-set for good; \
                 yet its read at {read} has it"
            ),
            NodeType::Orset | NodeType::Orswot if self.live_add(e, Some(node)).is_none() => {
                format!(
                    "{who}'s removes of {s} (the last at {removed}) took out every tag any add \
                     of {s} minted; yet its read at {read} has {s}"
                )
            }
            NodeType::Lww
                if !self
                    .ops_on(e)
                    .any(|op| op.add && maybe_after(op, own_remove)) =>
            {
                format!(
                    "{who} removed {s} at {removed}, later than every add of {s} it knew of (its \
                     own), and no other node added {s}; yet its read at {read} has it"
                )
            }
            _ => return None,
        };
        Some(self.semantic(Semantic::RemovedStaysOut, at, e, detail))
    }

    /// `node` acknowledged an add of `e` (or, in a G-Set, was given it by a merge) but does not
    /// read it: a remove must explain it.
    fn absent(&self, node: usize, e: &Elem, sent: usize, at: usize) -> Option<Failure> {
        let s = show(e);
        let who = &self.names[node];
        if self.kind == NodeType::Gset
            && let Some(t) = self.told(node, e, false, sent)
        {
            let detail = format!(
                "{who} was given {from}'s merge at {} with {s} in its {field}, and a G-Set only \
                 grows; yet its read at {} lacks {s}",
                line(t.line),
                line(at),
                from = t.from,
                field = t.field
            );
            return Some(
                Failure::new(Check::SetFull, rule::LOST_ADD, detail)
                    .at(at)
                    .about(e),
            );
        }
        let own_add = self
            .ops_on(e)
            .filter(|op| op.node == node && op.add)
            .last()?;
        let (added, read) = (line(own_add.acked), line(at));
        let removes = || self.ops_on(e).filter(|op| !op.add);
        let removed_tags = self.tags_removed(e, None);
        let detail = match self.kind {
            _ if self.ops_on(e).all(|op| op.add) => {
                let detail = format!(
                    "{who} acknowledged the add of {s} ({added}) and no client removed {s}; \
                     yet its read at {read} lacks it"
                );
                return Some(
                    Failure::new(Check::SetFull, rule::LOST_ADD, detail)
                        .at(at)
                        .about(e),
                );
            }
            NodeType::Orswot if removes().all(|r| r.acked < own_add.sent) => format!(
                "{who}'s add of {s} ({added}) came after every remove of {s} had been answered, \
                 so no remove observed it and {s} stays; yet {who}'s read at {read} lacks it"
            ),
            NodeType::Orset if own_add.tags.iter().all(|t| !removed_tags.contains(t)) => format!(
                "{who}'s add of {s} ({added}) minted {}, which no remove took out (their \
                 tags_removed do not have it), so {s} stays; yet {who}'s read at {read} lacks it",
                own_add.tags.join(", ")
            ),
            NodeType::Lww if !removes().any(|r| maybe_after(r, own_add)) => format!(
                "{who} added {s} ({added}) after every remove of {s} it knew of, and no other \
                 node removed it; yet its read at {read} lacks it"
            ),
            _ => return None,
        };
        Some(self.semantic(Semantic::AddWins, at, e, detail))
    }

    /// Check the set every node agreed on at the end.
    pub fn final_state(&self, got: &BTreeSet<Elem>, at: usize) -> Vec<Failure> {
        let mut elems: BTreeSet<Elem> = self.ops.iter().map(|op| op.elem.clone()).collect();
        elems.extend(got.iter().cloned());
        elems
            .iter()
            .filter_map(|e| self.final_elem(e, got.contains(e), at))
            .take(1)
            .collect()
    }

    fn final_elem(&self, e: &Elem, has: bool, at: usize) -> Option<Failure> {
        let s = show(e);
        let adds: Vec<&Op> = self.ops_on(e).filter(|op| op.add).collect();
        let removes: Vec<&Op> = self.ops_on(e).filter(|op| !op.add).collect();
        let end = match has {
            true => format!("after the heal every node reads {s}"),
            false => format!("after the heal no node reads {s}"),
        };
        if has && adds.is_empty() {
            let detail = format!("{end}, but no client ever added {s}");
            return Some(
                Failure::new(Check::SetFull, rule::NEVER_ADDED, detail)
                    .at(at)
                    .about(e),
            );
        }
        let should = match self.kind {
            NodeType::Gset => !adds.is_empty(),
            NodeType::TwoPSet => !adds.is_empty() && removes.is_empty(),
            NodeType::Orset => self.live_add(e, None).is_some(),
            NodeType::Orswot => match (self.add_after_removes(e), self.every_add_out(e)) {
                (Some(_), _) => true,
                (None, true) => false,
                (None, false) => has,
            },
            NodeType::Lww => {
                let last_ops = self.last_op_per_node(e);
                match (
                    last_ops.iter().any(|op| op.add),
                    last_ops.iter().any(|op| !op.add),
                ) {
                    (true, true) => has,
                    (can_have, _) => can_have,
                }
            }
        };
        if has == should {
            return None;
        }
        if !has && removes.is_empty() {
            let detail = format!(
                "{end}, yet {s} was added (line {}) and never removed",
                adds[0].acked + 1
            );
            return Some(
                Failure::new(Check::SetFull, rule::LOST_ADD, detail)
                    .at(at)
                    .about(e),
            );
        }
        let detail = match (self.kind, has) {
            (NodeType::TwoPSet, _) => format!(
                "{end}, but {s} was removed (line {}) and a removed element never returns",
                removes[0].acked + 1
            ),
            (NodeType::Lww, true) => format!(
                "{end}, but every node's last operation on {s} was a remove, so the latest \
                 timestamp is a remove's"
            ),
            (NodeType::Lww, false) => format!(
                "{end}, but every node's last operation on {s} was an add, so the latest \
                 timestamp is an add's"
            ),
            (_, true) => {
                format!("{end}, but the removes of {s} took out every tag its adds minted")
            }
            (NodeType::Orswot, false) => {
                let late = self.add_after_removes(e).map_or(String::new(), |op| {
                    format!("{}'s add (line {})", self.names[op.node], op.acked + 1)
                });
                format!(
                    "{end}, but {late} came after every remove of {s} had been answered, so no \
                     remove observed it: an add wins over a concurrent remove"
                )
            }
            (_, false) => {
                let live = self.live_add(e, None).map_or(String::new(), |op| {
                    format!(
                        "{}'s add (line {}) minted {}",
                        self.names[op.node],
                        op.acked + 1,
                        op.tags.join(", ")
                    )
                });
                format!(
                    "{end}, but {live}, and no remove took it out: an add wins over a concurrent \
                     remove"
                )
            }
        };
        let which = if has {
            Semantic::RemovedStaysOut
        } else {
            Semantic::AddWins
        };
        Some(self.semantic(which, at, e, detail))
    }

    fn last_op_per_node(&self, e: &Elem) -> Vec<&Op> {
        let mut last: BTreeMap<usize, &Op> = BTreeMap::new();
        for op in self.ops_on(e) {
            last.insert(op.node, op);
        }
        last.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["n1".into(), "n2".into()]
    }

    fn x() -> Elem {
        Elem::Str("x".into())
    }

    fn op(node: usize, add: bool, at: usize, tags: &[&str]) -> Op {
        Op {
            node,
            add,
            elem: x(),
            sent: at,
            acked: at + 1,
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn set(elems: &[Elem]) -> BTreeSet<Elem> {
        elems.iter().cloned().collect()
    }

    #[test]
    fn a_2p_set_node_that_reads_what_it_removed_breaks_the_rule() {
        let mut h = History::new(NodeType::TwoPSet, &names());
        h.ops.push(op(0, true, 0, &[]));
        h.ops.push(op(0, false, 2, &[]));
        let found = h.read(0, set(&[x()]), 4, 5);
        assert_eq!(found[0].rule, "2P-Set: a removed element never returns");
        assert!(
            found[0].detail.contains("n1 removed x (line 4)"),
            "{}",
            found[0].detail
        );
        assert!(
            h.read(1, set(&[x()]), 5, 6).is_empty(),
            "n2 may not have the remove yet"
        );
        assert_eq!(h.final_state(&set(&[]), 9), vec![]);
        assert_eq!(h.final_state(&set(&[x()]), 9)[0].check, Check::Semantics);
    }

    #[test]
    fn a_2p_set_node_given_a_remove_set_by_a_merge_keeps_the_element_out() {
        let mut h = History::new(NodeType::TwoPSet, &names());
        h.ops.push(op(0, true, 0, &[]));
        let merge = serde_json::json!({"type": "merge", "add_set": ["x"], "remove_set": ["x"]});
        h.delivered(1, "n3", &merge, 4);
        assert!(
            h.read(1, set(&[x()]), 3, 4).is_empty(),
            "asked before the merge arrived"
        );
        let found = h.read(1, set(&[x()]), 6, 7);
        assert_eq!(found[0].rule, "2P-Set: a removed element never returns");
        assert!(
            found[0]
                .detail
                .contains("n3's merge at line 5 with x in its remove_set"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn a_g_set_node_given_an_element_by_a_merge_reads_it() {
        let mut h = History::new(NodeType::Gset, &names());
        h.ops.push(op(0, true, 0, &[]));
        h.delivered(
            1,
            "n1",
            &serde_json::json!({"type": "merge", "elements": ["x"]}),
            4,
        );
        let found = h.read(1, set(&[]), 6, 7);
        assert_eq!(found[0].rule, rule::LOST_ADD);
    }

    #[test]
    fn an_or_set_add_that_no_remove_observed_wins_at_the_end() {
        let mut h = History::new(NodeType::Orset, &names());
        h.ops.push(op(0, true, 0, &["t1"]));
        h.ops.push(op(1, false, 2, &["t1"]));
        h.ops.push(op(0, true, 4, &["t2"]));
        assert!(h.final_state(&set(&[x()]), 9).is_empty());
        let found = h.final_state(&set(&[]), 9);
        assert_eq!(
            found[0].rule,
            "OR-Set: an add wins over a concurrent remove"
        );
        assert!(found[0].detail.contains("minted t2"), "{}", found[0].detail);
        assert_eq!(
            h.unknown_tags(&x(), &["t1".into(), "zz".into()]),
            vec!["zz".to_string()]
        );
        assert_eq!(h.fresh_tag("t2"), Err(5));
    }

    #[test]
    fn a_g_set_read_that_shrinks_and_a_read_of_nothing_added_are_named() {
        let mut h = History::new(NodeType::Gset, &names());
        h.ops.push(op(1, true, 0, &[]));
        assert!(h.read(0, set(&[x()]), 2, 3).is_empty());
        let found = h.read(0, set(&[]), 4, 5);
        assert_eq!(found[0].rule, "G-Set: only grows");
        let found = h.read(1, set(&[x(), Elem::Int(7)]), 6, 7);
        assert_eq!(found[0].rule, rule::NEVER_ADDED);
    }

    #[test]
    fn an_orswot_add_replaced_by_a_later_add_on_its_node_is_out_with_it() {
        let mut h = History::new(NodeType::Orswot, &names());
        h.ops.push(op(1, true, 0, &["n2:1"]));
        h.ops.push(op(1, true, 2, &["n2:2"]));
        h.ops.push(op(1, false, 4, &["n2:2"]));
        assert!(
            h.final_state(&set(&[]), 9).is_empty(),
            "n2:1 was replaced by n2:2, then removed"
        );
        assert_eq!(h.final_state(&set(&[x()]), 9)[0].check, Check::Semantics);
        h.ops.push(op(0, true, 6, &["n1:1"]));
        let found = h.final_state(&set(&[]), 9);
        assert_eq!(
            found[0].rule,
            "ORSWOT: an add wins over a concurrent remove"
        );
        assert!(
            found[0]
                .detail
                .contains("n1's add (line 8) came after every remove"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn an_orswot_dot_replaced_on_another_node_may_be_out_either_way() {
        let mut h = History::new(NodeType::Orswot, &names());
        h.ops.push(op(0, true, 0, &["n1:1"]));
        h.ops.push(op(1, true, 2, &["n2:1"]));
        h.ops.push(op(1, false, 4, &["n2:1"]));
        assert!(h.final_state(&set(&[]), 9).is_empty());
        assert!(h.final_state(&set(&[x()]), 9).is_empty());
    }

    #[test]
    fn lww_the_last_operation_of_some_node_decides() {
        let mut h = History::new(NodeType::Lww, &names());
        h.ops.push(op(0, true, 0, &[]));
        h.ops.push(op(0, false, 2, &[]));
        assert!(h.final_state(&set(&[]), 9).is_empty());
        assert_eq!(h.final_state(&set(&[x()]), 9)[0].check, Check::Semantics);
        h.ops.push(op(1, true, 4, &[]));
        assert!(
            h.final_state(&set(&[x()]), 9).is_empty(),
            "concurrent: either may win"
        );
        assert!(h.final_state(&set(&[]), 9).is_empty());
    }
}
