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
    /// Its number, kept for life.
    pub number: usize,
    pub from: String,
    pub to: String,
    /// The elements the snapshot it carries would show.
    pub carries: Value,
    /// What it carries, in the type's own fields (tags, tombstones, clock, stamps).
    pub payload: Vec<Field>,
    /// Its size on the wire: the payload as JSON, in bytes.
    pub bytes: usize,
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
        let wire = self.wire.iter().map(|m| {
            let payload = m.snapshot.describe();
            MessageView {
                number: m.number,
                from: m.from.to_string(),
                to: m.to.to_string(),
                carries: m.snapshot.visible(),
                bytes: serde_json::to_string(&payload).map_or(0, |j| j.len()),
                payload,
                deliverable: self.reachable(&m.from, &m.to),
            }
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
        self.world().view()
    }

    /// The worked tables of the history, one per lab (`new` starts another): a `start` row, then
    /// one row per accepted command, or one per step when the history is marked with `step`s.
    pub fn table(&self) -> Vec<WorkedTable> {
        let stepped = self
            .history()
            .iter()
            .any(|e| matches!(e.command, Command::Step(_)));
        let mut tables = vec![WorkedTable::of(&World::default())];
        self.replay(None, |entry, world, result| {
            if result.is_err() {
                return;
            }
            let Some(table) = tables.last_mut() else {
                return;
            };
            let notes = &entry.applied.notes;
            match (&entry.command, stepped) {
                (command @ Command::New { .. }, _) => {
                    // A step that starts a new lab belongs to the new lab's table.
                    let step = (stepped && table.rows.len() > 1).then(|| table.rows.pop());
                    let mut fresh = WorkedTable::of(world);
                    if let Some(mut row) = step.flatten() {
                        row.absorb(command, world, notes);
                        fresh.rows.push(row);
                    }
                    tables.push(fresh);
                }
                (Command::Step(title), true) => {
                    table.rows.push(Row::of(title, world, String::new()))
                }
                (command, true) => match table.rows.len() {
                    1 => table.rows[0] = Row::of("start", world, String::new()),
                    _ => {
                        if let Some(row) = table.rows.last_mut() {
                            row.absorb(command, world, notes)
                        }
                    }
                },
                (command, false) => {
                    let happened = notes.join("; ");
                    table
                        .rows
                        .push(Row::of(&command.to_string(), world, happened));
                }
            }
        });
        // A lab that a `new` replaced before anything happened in it is not worth a table.
        if tables.len() > 1 {
            tables.retain(|t| t.rows.len() > 1);
        }
        tables
    }
}

/// The worked table of one lab: its type, its replicas, what a cell shows, and the rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkedTable {
    pub title: &'static str,
    pub replicas: Vec<String>,
    /// The field names a cell shows, e.g. `added / removed`.
    pub labels: String,
    pub rows: Vec<Row>,
}

impl WorkedTable {
    fn of(world: &World) -> WorkedTable {
        WorkedTable {
            title: world.kind.title(),
            replicas: world.names(),
            labels: world.cell_labels(),
            rows: vec![Row::of("start", world, String::new())],
        }
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
    fn absorb(&mut self, command: &Command, world: &World, notes: &[String]) {
        self.cells = (0..world.replicas.len()).map(|i| world.cell(i)).collect();
        let said = match notes {
            [] => command.to_string(),
            notes => format!("{command} ({})", notes.join("; ")),
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
        let mut refused = vec![];
        let last = lab.replay(Some(kind), |entry, _, result| {
            if let Err(rule) = result {
                refused.push((entry.command.to_string(), rule.to_string()));
            }
        });
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
        }
    }
}
