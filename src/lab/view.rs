//! Views: plain data the faces render. Each replica describes itself as labelled fields, so no
//! face ever needs to know which set type it is showing.

use super::world::Payload;
use super::{Command, Lab, World};
use crate::crdt::{Field, Mistake, Role, Value};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaView {
    pub name: String,
    pub visible: Value,
    pub fields: Vec<Field>,
    pub meta_size: usize,
    pub lamport: u64,
    pub skew: i64,
    /// The tie-break it reads equal LWW stamps with.
    pub tiebreak: &'static str,
    /// The classic mistake it makes, `none` when it makes none.
    pub mistake: &'static str,
    /// In op-based mode: the ops it holds until what they depend on has come, with why.
    pub waiting: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageView {
    /// Its number, kept for life.
    pub number: usize,
    pub from: String,
    pub to: String,
    /// For a snapshot, the elements it would show; for a message of ops, the ops.
    pub carries: Value,
    /// What it carries, in the type's own fields (tags, tombstones, clock, stamps; not the
    /// derived views, which are not shipped); for a message of ops, each op's fields in turn.
    pub payload: Vec<Field>,
    /// Each op it carries, with its size (empty for a snapshot).
    pub ops: Vec<OpView>,
    /// Its size on the wire: the payload as JSON, in bytes (for ops, the sum of theirs).
    pub bytes: usize,
    /// False while the link between sender and receiver is cut.
    pub deliverable: bool,
}

/// One op in a message: the op as text (`add x a3`), who made it, and its size in bytes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpView {
    pub op: String,
    pub origin: String,
    pub bytes: usize,
}

/// Everything a face shows of a lab at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabView {
    pub kind: &'static str,
    pub title: &'static str,
    pub replicas: Vec<ReplicaView>,
    /// The sides of a partition, when the links that are up make clean sides; else empty.
    pub groups: Vec<Vec<String>>,
    /// Every link that is down, as pairs of replicas.
    pub cuts: Vec<(String, String)>,
    pub wire: Vec<MessageView>,
    pub time: String,
    pub clock: &'static str,
    /// What `send` ships: `state` or `ops`.
    pub sync: &'static str,
    /// The replicas' tie-break, or `mixed` when they differ.
    pub tiebreak: &'static str,
    /// The classic mistakes switched on, for a title bar: `reuse-tags`, or `reuse-tags on A`.
    pub mistake: Option<String>,
    pub converged: bool,
}

impl World {
    pub fn view(&self) -> LabView {
        self.view_as(None)
    }

    /// The view, with each replica's fields in the layout named (`element`, `optimised`), or
    /// the canonical ones. A layout the type does not have shows the canonical fields.
    pub fn view_as(&self, layout: Option<&str>) -> LabView {
        let replicas = self.replicas.iter().map(|r| ReplicaView {
            name: r.name.to_string(),
            visible: r.set.visible(),
            fields: layout
                .and_then(|l| r.set.layout(l))
                .unwrap_or_else(|| r.set.describe()),
            meta_size: r.set.meta_size(),
            lamport: r.lamport,
            skew: r.skew,
            tiebreak: r.rules.tiebreak.word(),
            mistake: r.rules.mistake.word(),
            waiting: r
                .ops
                .waiting
                .iter()
                .map(|(s, why)| (s.op.to_string(), why.clone()))
                .collect(),
        });
        let wire = self.wire.iter().map(|m| self.message_view(m));
        let tiebreaks: BTreeSet<&str> = self
            .replicas
            .iter()
            .map(|r| r.rules.tiebreak.word())
            .collect();
        LabView {
            kind: self.kind.word(),
            title: self.kind.title(),
            replicas: replicas.collect(),
            groups: self
                .sides()
                .unwrap_or_default()
                .iter()
                .map(|g| g.iter().map(|n| n.to_string()).collect())
                .collect(),
            cuts: self
                .cut
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            wire: wire.collect(),
            time: crate::crdt::hms(self.time),
            clock: self.clock.word(),
            sync: self.sync.word(),
            tiebreak: match tiebreaks.len() {
                1 => tiebreaks.first().copied().unwrap_or("add-wins"),
                _ => "mixed",
            },
            mistake: self.mistakes(),
            converged: self.converged(),
        }
    }

    pub(super) fn message_view(&self, m: &super::Message) -> MessageView {
        let (carries, payload, ops) = match &m.payload {
            Payload::State(state) => {
                let fields = table_fields(&state.describe()).cloned().collect();
                (state.visible(), fields, vec![])
            }
            Payload::Ops(ops) => {
                let texts = ops.iter().map(|s| s.op.to_string()).collect();
                let fields = ops.iter().flat_map(|s| s.op.carries()).collect();
                let each = ops.iter().map(|s| OpView {
                    op: s.op.to_string(),
                    origin: s.id.origin.to_string(),
                    bytes: s.bytes(),
                });
                (Value::Set(texts), fields, each.collect())
            }
        };
        let bytes = match &m.payload {
            Payload::State(_) => serde_json::to_string(&payload).map_or(0, |j| j.len()),
            Payload::Ops(_) => ops.iter().map(|o: &OpView| o.bytes).sum(),
        };
        MessageView {
            number: m.number,
            from: m.from.to_string(),
            to: m.to.to_string(),
            carries,
            payload,
            ops,
            bytes,
            deliverable: self.reachable(&m.from, &m.to),
        }
    }

    /// The mistakes switched on: `reuse-tags` when every replica makes it, `reuse-tags on A`
    /// when only some do; `None` when no replica makes one.
    fn mistakes(&self) -> Option<String> {
        let mut said = vec![];
        for mistake in [Mistake::ReuseTags, Mistake::MergeOneSide] {
            let who: Vec<&str> = self
                .replicas
                .iter()
                .filter(|r| r.rules.mistake == mistake)
                .map(|r| &*r.name)
                .collect();
            match who.len() {
                0 => {}
                n if n == self.replicas.len() => said.push(mistake.word().to_string()),
                _ => said.push(format!("{} on {}", mistake.word(), who.join(" "))),
            }
        }
        (!said.is_empty()).then(|| said.join("; "))
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
