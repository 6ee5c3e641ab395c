//! Views: plain data the faces render. Each replica describes itself as labelled fields, so no
//! face ever needs to know which set type it is showing.

use super::{Command, Lab, World};
use crate::crdt::{Field, Kind, Role, Value};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaView {
    pub name: String,
    pub visible: Value,
    pub fields: Vec<Field>,
    pub meta_size: usize,
    pub lamport: u64,
    pub skew: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageView {
    pub number: usize,
    pub from: String,
    pub to: String,
    pub carries: Value,
    /// False while a partition lies between sender and receiver.
    pub deliverable: bool,
}

/// Everything a face shows of a lab at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabView {
    pub kind: &'static str,
    pub title: &'static str,
    pub replicas: Vec<ReplicaView>,
    pub groups: Vec<Vec<String>>,
    pub wire: Vec<MessageView>,
    pub time: String,
    pub clock: &'static str,
    pub tiebreak: &'static str,
    pub converged: bool,
    /// Replicas the last command touched.
    pub changed: Vec<String>,
}

impl World {
    pub fn view(&self) -> LabView {
        let replicas = self.replicas.iter().map(|r| ReplicaView {
            name: r.name.to_string(),
            visible: r.set.visible(),
            fields: r.set.describe(),
            meta_size: r.set.meta_size(),
            lamport: r.lamport,
            skew: r.skew,
        });
        let wire = self.wire.iter().enumerate().map(|(k, m)| MessageView {
            number: k + 1,
            from: m.from.to_string(),
            to: m.to.to_string(),
            carries: m.snapshot.visible(),
            deliverable: self.reachable(&m.from, &m.to),
        });
        LabView {
            kind: self.kind.word(),
            title: self.kind.title(),
            replicas: replicas.collect(),
            groups: self
                .groups
                .iter()
                .map(|g| g.iter().map(|n| n.to_string()).collect())
                .collect(),
            wire: wire.collect(),
            time: crate::crdt::hms(self.time),
            clock: self.clock.word(),
            tiebreak: self.rules.tiebreak.word(),
            converged: self.converged(),
            changed: vec![],
        }
    }

    /// A worked-table cell for one replica: its fields joined by ` / `, as the seed tables show
    /// them (`{x} / {x}` for a 2P-Set's added / removed). Derived views of the same state are left out.
    pub fn cell(&self, replica: usize) -> String {
        let fields = self.replicas[replica].set.describe();
        let parts: Vec<String> = table_fields(&fields).map(|f| f.value.to_string()).collect();
        parts.join(" / ")
    }

    /// Each replica's visible elements, as `A = {x}`.
    pub fn visible_states(&self) -> Vec<String> {
        let each = self.replicas.iter();
        each.map(|r| format!("{} = {}", r.name, r.set.visible()))
            .collect()
    }

    /// The field names a worked-table cell shows, e.g. `added / removed`.
    pub fn cell_labels(&self) -> String {
        let fields = self
            .replicas
            .first()
            .map(|r| r.set.describe())
            .unwrap_or_default();
        let names: Vec<&str> = table_fields(&fields).map(|f| f.name).collect();
        names.join(" / ")
    }
}

fn table_fields(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields.iter().filter(|f| f.role != Role::Derived)
}

impl Lab {
    pub fn view(&self) -> LabView {
        let mut view = self.world().view();
        if let Some(last) = self.history().last() {
            view.changed = last.applied.changed.clone();
        }
        view
    }

    /// The worked table of the history: a `start` row, then one row per accepted command, or
    /// one per step when the history is marked with `step` commands.
    pub fn table(&self) -> Vec<Row> {
        let stepped = self
            .history()
            .iter()
            .any(|e| matches!(e.command, Command::Step(_)));
        let mut world = World::default();
        let mut rows = vec![Row::of("start", &world, String::new())];
        let mut pending: Option<Row> = None;
        for entry in self.history() {
            if entry.refused.is_some() {
                continue;
            }
            let _ = world.apply(&entry.command);
            match (&entry.command, stepped) {
                (Command::Step(title), true) => {
                    rows.extend(pending.take());
                    pending = Some(Row::of(title, &world, String::new()));
                }
                (command, true) => match pending.as_mut() {
                    Some(row) => row.absorb(command, &world, entry.applied.note.as_deref()),
                    None => rows[0] = Row::of("start", &world, String::new()),
                },
                (command, false) => {
                    let happened = entry.applied.note.clone().unwrap_or_default();
                    rows.push(Row::of(&command.to_string(), &world, happened));
                }
            }
        }
        rows.extend(pending);
        rows
    }
}

/// One row of a worked table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub step: String,
    pub cells: Vec<String>,
    pub happened: String,
}

impl Row {
    fn of(step: &str, world: &World, happened: String) -> Row {
        let cells = (0..world.replicas.len()).map(|i| world.cell(i)).collect();
        Row {
            step: step.to_string(),
            cells,
            happened,
        }
    }

    /// Fold one more command of the same step into the row.
    fn absorb(&mut self, command: &Command, world: &World, note: Option<&str>) {
        self.cells = (0..world.replicas.len()).map(|i| world.cell(i)).collect();
        let said = match note {
            Some(note) => format!("{command} ({note})"),
            None => command.to_string(),
        };
        if !self.happened.is_empty() {
            self.happened.push_str("; ");
        }
        self.happened.push_str(&said);
    }
}

/// One set type's answer to the lab's history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub kind: &'static str,
    pub title: &'static str,
    /// Each replica's visible elements at the end.
    pub finals: Vec<(String, Value)>,
    /// The commands this type refused, with the rule.
    pub refused: Vec<(String, String)>,
    pub meta_size: usize,
}

impl Comparison {
    pub fn of(lab: &Lab, kind: Kind) -> Comparison {
        let replay = lab.replay_as(kind);
        let refused = lab
            .history()
            .iter()
            .zip(&replay)
            .filter_map(|(entry, (_, result))| {
                let rule = result.as_ref().err()?;
                Some((entry.command.to_string(), rule.to_string()))
            });
        let last = replay.last().map(|(w, _)| w.clone()).unwrap_or_else(|| {
            let mut w = World::default();
            w.apply(&Command::New {
                kind,
                replicas: w.names(),
            })
            .ok();
            w
        });
        Comparison {
            kind: kind.word(),
            title: kind.title(),
            finals: last
                .replicas
                .iter()
                .map(|r| (r.name.to_string(), r.set.visible()))
                .collect(),
            refused: refused.collect(),
            meta_size: last.replicas.iter().map(|r| r.set.meta_size()).sum(),
        }
    }
}
