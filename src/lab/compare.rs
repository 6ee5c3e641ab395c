//! `compare`: the lab's history replayed on every set type, each type's answer, what it stores to
//! reach it (piece by piece), and what the history shows of the seed table's properties.

use super::{ClockMode, Command, Lab};
use crate::crdt::{Edit, Elem, Kind, Value};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One set type's answer to the lab's history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub kind: &'static str,
    pub title: &'static str,
    /// Each replica's visible elements at the end.
    pub finals: Vec<(String, Value)>,
    /// The commands this type refused, with the rule.
    pub refused: Vec<(String, String)>,
    /// Every piece of metadata the replicas store at the end, summed.
    pub meta_size: usize,
    /// The same, piece by kind: `[("live tags", 2), ("tombstoned tags", 12)]`.
    pub metadata: Vec<(&'static str, usize)>,
    pub observed: Observed,
}

/// What the history shows of a type, beside the seed table's facts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Observed {
    /// The first add of an element on a replica that had removed it, and whether the element
    /// was present there right after.
    pub readd: Option<(String, bool)>,
    /// Each element added on one replica and removed on another, and where it ends present:
    /// `all`, `none`, or the replicas that hold it.
    pub contested: Vec<(String, String)>,
    /// The distinct elements the history names.
    pub elements: usize,
    /// How the history's LWW stamps were made (only for the LWW set).
    pub stamps: Option<String>,
}

impl Comparison {
    pub fn of(lab: &Lab, kind: Kind) -> Comparison {
        let mut refused = vec![];
        let mut watch = Watch::default();
        let last = lab.replay(Some(kind), |entry, world, result| match result {
            Err(rule) => refused.push((entry.command.to_string(), rule.to_string())),
            Ok(()) => watch.see(&entry.command, world),
        });
        let mut metadata: Vec<(&'static str, usize)> = vec![];
        for r in &last.replicas {
            for (name, n) in r.set.metadata() {
                match metadata.iter_mut().find(|(m, _)| *m == name) {
                    Some((_, total)) => *total += n,
                    None => metadata.push((name, n)),
                }
            }
        }
        let ends = |e: &Elem| {
            let holders: Vec<&str> = last
                .replicas
                .iter()
                .filter(|r| r.set.contains(e))
                .map(|r| &*r.name)
                .collect();
            match holders.len() {
                0 => "none".to_string(),
                n if n == last.replicas.len() => "all".to_string(),
                _ => holders.join(" "),
            }
        };
        let contested = watch
            .contested()
            .map(|e| (e.to_string(), ends(e)))
            .collect();
        let stamps = (kind == Kind::Lww).then(|| watch.stamps(lab));
        Comparison {
            kind: kind.word(),
            title: kind.title(),
            finals: last
                .replicas
                .iter()
                .map(|r| (r.name.to_string(), r.set.visible()))
                .collect(),
            refused,
            meta_size: last.replicas.iter().map(|r| r.set.meta_size()).sum(),
            metadata,
            observed: Observed {
                readd: watch.readd,
                contested,
                elements: watch.named.len(),
                stamps,
            },
        }
    }
}

/// What a replay has seen so far.
#[derive(Default)]
struct Watch {
    /// (replica, element) pairs where a remove was accepted.
    removed: BTreeSet<(String, Elem)>,
    readd: Option<(String, bool)>,
    adders: BTreeMap<Elem, BTreeSet<String>>,
    removers: BTreeMap<Elem, BTreeSet<String>>,
    named: BTreeSet<Elem>,
    explicit: Vec<String>,
}

impl Watch {
    fn see(&mut self, command: &Command, world: &super::World) {
        let (replica, elem, add, at) = match command {
            Command::Edit { replica, edit, at } => match edit {
                Edit::Add(e) => (replica, e, true, at.as_deref()),
                Edit::Remove(e) => (replica, e, false, at.as_deref()),
            },
            Command::Set {
                replica,
                elem,
                removed,
            } => (replica, elem, !removed, None),
            command => {
                if command.is_new() {
                    self.removed.clear();
                }
                return;
            }
        };
        self.named.insert(elem.clone());
        self.explicit.extend(at.iter().map(|t| format!("@{t}")));
        let key = (replica.clone(), elem.clone());
        let who = if add {
            &mut self.adders
        } else {
            &mut self.removers
        };
        who.entry(elem.clone()).or_default().insert(replica.clone());
        if !add {
            self.removed.insert(key);
        } else if self.readd.is_none() && self.removed.contains(&key) {
            let present = world.replica(replica).is_ok_and(|r| r.set.contains(elem));
            self.readd = Some((command.to_string(), present));
        }
    }

    /// Elements added on one replica and removed on another.
    fn contested(&self) -> impl Iterator<Item = &Elem> {
        self.adders.iter().filter_map(|(e, adders)| {
            let removers = self.removers.get(e)?;
            let apart = adders.iter().any(|a| removers.iter().any(|r| r != a));
            apart.then_some(e)
        })
    }

    /// `explicit @1, @5, @7`, or the clock the lab stamps with.
    fn stamps(&self, lab: &Lab) -> String {
        if !self.explicit.is_empty() {
            let mut seen: Vec<&str> = vec![];
            for s in &self.explicit {
                if !seen.contains(&s.as_str()) {
                    seen.push(s);
                }
            }
            return format!("explicit {}", seen.join(", "));
        }
        match lab.world().clock {
            ClockMode::Lamport => "Lamport counters".into(),
            ClockMode::Wall => "wall clocks".into(),
        }
    }
}
