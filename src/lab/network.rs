//! The network between replicas: a link between every pair, some of them cut. Reachability is
//! not transitive (work–home and work–phone up, home–phone cut), so a merge or a delivery needs
//! the direct link, and a bare `sync` relays along the links that are up. `partition` and `heal`
//! are shorthands that set every link at once.

use super::world::{Applied, World, refuse};
use crate::crdt::{Name, Refusal};
use std::collections::BTreeSet;

/// An unordered pair of replicas, stored in order.
pub(super) fn pair(a: &Name, b: &Name) -> (Name, Name) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

impl World {
    /// Is the link between `a` and `b` up? (A replica always reaches itself.)
    pub fn reachable(&self, a: &str, b: &str) -> bool {
        let cut = |(x, y): &(Name, Name)| (**x == *a && **y == *b) || (**x == *b && **y == *a);
        a == b || !self.cut.iter().any(cut)
    }

    /// The sides of a partition, when the links that are up join the replicas into groups in
    /// which everyone reaches everyone; `None` when the network is whole or not so simple.
    pub fn sides(&self) -> Option<Vec<Vec<Name>>> {
        let groups = self.components();
        let clique = |g: &Vec<usize>| {
            g.iter().enumerate().all(|(k, &i)| {
                g[k + 1..]
                    .iter()
                    .all(|&j| self.reachable(&self.replicas[i].name, &self.replicas[j].name))
            })
        };
        if groups.len() < 2 || !groups.iter().all(clique) {
            return None;
        }
        let names = |g: &Vec<usize>| g.iter().map(|&i| self.replicas[i].name.clone()).collect();
        Some(groups.iter().map(names).collect())
    }

    /// `A B | C` for a partition; empty when the network is not cut into clean sides.
    pub fn partition_text(&self) -> String {
        let sides = self.sides().unwrap_or_default();
        let parts: Vec<String> = sides.iter().map(|g| g.join(" ")).collect();
        parts.join(" | ")
    }

    /// The cut links, as `home–phone`.
    pub fn cut_text(&self) -> String {
        let cuts: Vec<String> = self.cut.iter().map(|(a, b)| format!("{a}–{b}")).collect();
        cuts.join(", ")
    }

    pub(super) fn check_link(&self, a: &str, b: &str) -> Result<(), Refusal> {
        if self.reachable(a, b) {
            return Ok(());
        }
        match self.sides() {
            Some(_) => refuse(format!(
                "{a} and {b} are on different sides of the partition {}; heal it first",
                self.partition_text()
            )),
            None => refuse(format!(
                "the link between {a} and {b} is cut; `link {a} {b}` restores it (or a replica linked to both can relay)"
            )),
        }
    }

    /// Replica indexes joined by links that are up, each group in replica order.
    pub(super) fn components(&self) -> Vec<Vec<usize>> {
        let n = self.replicas.len();
        let mut group: Vec<Option<usize>> = vec![None; n];
        let mut groups: Vec<Vec<usize>> = vec![];
        for start in 0..n {
            if group[start].is_some() {
                continue;
            }
            let k = groups.len();
            let members = self.spanning(start);
            members.iter().for_each(|&(i, _)| group[i] = Some(k));
            let mut members: Vec<usize> = members.into_iter().map(|(i, _)| i).collect();
            members.sort_unstable();
            groups.push(members);
        }
        groups
    }

    /// The replicas reachable from `root` over links that are up, breadth first, each with the
    /// neighbour it was reached from (the root has none).
    pub(super) fn spanning(&self, root: usize) -> Vec<(usize, Option<usize>)> {
        let mut order = vec![(root, None)];
        let mut seen = vec![false; self.replicas.len()];
        seen[root] = true;
        let mut k = 0;
        while let Some(&(i, _)) = order.get(k) {
            let from = &self.replicas[i].name;
            for (j, r) in self.replicas.iter().enumerate() {
                if !seen[j] && self.reachable(from, &r.name) {
                    seen[j] = true;
                    order.push((j, Some(i)));
                }
            }
            k += 1;
        }
        order
    }

    /// Links up exactly between replicas that share a side; a replica named nowhere is cut off alone.
    pub(super) fn partition(&mut self, groups: &[Vec<String>]) -> Result<Applied, Refusal> {
        for side in groups {
            for (k, name) in side.iter().enumerate() {
                self.find(name)?;
                if side[..k].contains(name) {
                    return refuse(format!("{name} is named twice on one side"));
                }
            }
        }
        if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
            return refuse("a partition needs at least two non-empty sides: partition A | B");
        }
        let named = |n: &Name| groups.iter().flatten().any(|g| **g == **n);
        let alone: Vec<String> = self
            .replicas
            .iter()
            .filter(|r| !named(&r.name))
            .map(|r| r.name.to_string())
            .collect();
        let share = |a: &Name, b: &Name| {
            groups
                .iter()
                .any(|g| g.iter().any(|n| **n == **a) && g.iter().any(|n| **n == **b))
        };
        let names: Vec<Name> = self.replicas.iter().map(|r| r.name.clone()).collect();
        self.cut = BTreeSet::new();
        for (k, a) in names.iter().enumerate() {
            for b in &names[k + 1..] {
                if !share(a, b) {
                    self.cut.insert(pair(a, b));
                }
            }
        }
        let note = (!alone.is_empty()).then(|| {
            format!(
                "{} not named, so each is cut off on its own",
                alone.join(", ")
            )
        });
        Ok(Applied {
            notes: note.into_iter().collect(),
            ..Applied::default()
        })
    }

    pub(super) fn heal(&mut self) -> Result<Applied, Refusal> {
        if self.cut.is_empty() {
            return Ok(Applied::noted("the network is already whole"));
        }
        self.cut.clear();
        Ok(Applied::default())
    }

    /// One link down (`up` false) or up again.
    pub(super) fn set_link(&mut self, a: &str, b: &str, up: bool) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(a)?, self.find(b)?);
        if i == j {
            return refuse(format!("{a} has no link to itself"));
        }
        let key = pair(&self.replicas[i].name, &self.replicas[j].name);
        let changed = match up {
            true => self.cut.remove(&key),
            false => self.cut.insert(key),
        };
        Ok(match (changed, up) {
            (true, _) => Applied::default(),
            (false, true) => Applied::noted(format!("{a} and {b} are already linked")),
            (false, false) => {
                Applied::noted(format!("the link between {a} and {b} is already cut"))
            }
        })
    }

    /// Every group of replicas joined by links merges until all in it agree: up a spanning tree
    /// to its root and back down, so replicas with no direct link hear of each other through a relay.
    pub(super) fn sync_all(&mut self) -> Result<Applied, Refusal> {
        let mut applied = Applied::default();
        for group in self.components() {
            let tree = self.spanning(group[0]);
            for &(child, parent) in tree.iter().rev() {
                if let Some(parent) = parent {
                    self.absorb_replica(parent, child, &mut applied)?;
                }
            }
            for &(child, parent) in &tree {
                if let Some(parent) = parent {
                    self.absorb_replica(child, parent, &mut applied)?;
                }
            }
            if group.len() > 1 {
                let names = group.iter().map(|&k| self.replicas[k].name.to_string());
                applied.met.push(names.collect());
            }
        }
        if !self.cut.is_empty() {
            applied.notes.push(match self.sides() {
                Some(_) => format!(
                    "synced within each side of the partition {}",
                    self.partition_text()
                ),
                None => format!(
                    "synced along the links that are up (cut: {}); replicas with no direct link heard of each other through those linked to both",
                    self.cut_text()
                ),
            });
        }
        let why = || match self.converged() {
            true => "every replica that can reach another already agreed with it".to_string(),
            false => "no replica received anything new, yet they still differ".to_string(),
        };
        Ok(super::world::unchanged(applied, self.record, why))
    }
}
