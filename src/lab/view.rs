//! Views: plain data the faces render. Each replica describes itself as labelled fields, so no
//! face ever needs to know which set type it is showing.

use super::world::Payload;
use super::{Command, Entry, Lab, Replica, World};
use crate::crdt::{Field, Mistake, Role, Value};
use serde::Serialize;
use std::borrow::Cow;
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

    /// The view after a command that changed the states of the replicas named in `changed` and
    /// no others (the lab's record of it, [`super::Applied::changes`]): theirs are described
    /// anew, and every other replica's elements, fields and size are moved out of `old` instead
    /// of describing its whole state again. Their clocks, skew and rules are read anew. `old`
    /// keeps what the changed replicas were; `None` when the replicas are not the same ones.
    pub fn view_after(&self, old: &mut LabView, changed: &[&str]) -> Option<LabView> {
        let same = old.replicas.len() == self.replicas.len()
            && old.kind == self.kind.word()
            && (old.replicas.iter().zip(&self.replicas)).all(|(v, r)| v.name == *r.name);
        if !same {
            return None;
        }
        let now = self.view_of(|i, r| {
            let kept = &mut old.replicas[i];
            match changed.contains(&&*r.name) {
                true => None,
                false => Some((
                    std::mem::replace(&mut kept.visible, Value::Set(vec![])),
                    std::mem::take(&mut kept.fields),
                    kept.meta_size,
                )),
            }
        });
        Some(now)
    }

    /// The view, with each replica's fields in the layout named (`element`, `optimised`), or
    /// the canonical ones. A layout the type does not have shows the canonical fields.
    pub fn view_as(&self, layout: Option<&str>) -> LabView {
        self.view_of(|_, r| {
            let fields = layout.and_then(|l| r.set.layout(l))?;
            Some((r.set.visible(), fields, r.set.meta_size()))
        })
    }

    /// The view, with each replica's visible value, fields and size given by `known` where it
    /// has them, else described.
    fn view_of(
        &self,
        mut known: impl FnMut(usize, &Replica) -> Option<(Value, Vec<Field>, usize)>,
    ) -> LabView {
        let replicas = self.replicas.iter().enumerate().map(|(i, r)| {
            let (visible, fields, meta_size) = known(i, r)
                .unwrap_or_else(|| (r.set.visible(), r.set.describe(), r.set.meta_size()));
            ReplicaView {
                name: r.name.to_string(),
                visible,
                fields,
                meta_size,
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
            }
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
    /// them (`{x} / {x}` for a 2P-Set's added / removed). Derived views of the same state are
    /// left out, and a cell past [`CELL_CHARS`] is cut short.
    pub fn cell(&self, replica: usize) -> String {
        let fields = self.replicas[replica].set.describe();
        let parts: Vec<String> = table_fields(&fields).map(|f| f.value.to_string()).collect();
        clip(&parts.join(" / ")).into_owned()
    }

    /// Every replica's cell.
    fn cells(&self) -> Vec<String> {
        (0..self.replicas.len()).map(|i| self.cell(i)).collect()
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

/// A worked table shows at most this many rows; a longer history keeps its first rows, says
/// how many were left out, and ends with the lab's final state. (Every row shows whole states, so
/// rows without end would make the table grow with the square of the history.)
pub const TABLE_ROWS: usize = 1000;
/// A cell longer than this many characters is cut short, saying how much was left out.
pub const CELL_CHARS: usize = 1000;

/// Text for a table cell: whole up to [`CELL_CHARS`], else cut there with a count of the rest.
pub fn clip(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(CELL_CHARS) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let more = text[cut..].chars().count();
            Cow::Owned(format!("{} … ({more} more characters)", &text[..cut]))
        }
    }
}

impl Lab {
    pub fn view(&self) -> LabView {
        self.world().view()
    }

    /// The worked tables of the history, one per lab (`new` starts another): a `start` row, then
    /// one row per accepted command, or one per step when the history is marked with `step`s.
    pub fn table(&self) -> Vec<WorkedTable> {
        let history = self.history();
        let stepped = history
            .iter()
            .any(|e| matches!(e.command, Command::Step(_)));
        // Where each lab ends: before an accepted `new`, and at the end of the history.
        let last = |k: usize| {
            history
                .get(k + 1)
                .is_none_or(|e| e.command.is_new() && e.refused.is_none())
        };
        let mut tables = vec![WorkedTable::of(&World::default())];
        let mut k = 0;
        self.replay(None, |entry, world, result| {
            let at = k;
            k += 1;
            if result.is_ok() && entry.command.is_new() {
                let fresh = WorkedTable::after_new(tables.last_mut(), entry, world, stepped);
                tables.push(fresh);
            } else if let (Ok(()), Some(table)) = (result, tables.last_mut()) {
                table.record(entry, world, stepped);
            }
            if let (true, Some(table)) = (last(at), tables.last_mut()) {
                table.end(world);
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
    /// Rows past [`TABLE_ROWS`] that are not shown.
    pub left_out: usize,
    /// Whether the last row is a step still taking commands (its cells are filled in at its end).
    #[serde(skip)]
    open: bool,
}

impl WorkedTable {
    fn of(world: &World) -> WorkedTable {
        WorkedTable {
            title: world.kind.title(),
            replicas: world.names(),
            labels: world.cell_labels(),
            rows: vec![Row::of("start", world, String::new())],
            left_out: 0,
            open: false,
        }
    }

    /// The table of the lab a `new` starts. A step that starts with the `new` belongs to it.
    fn after_new(
        before: Option<&mut WorkedTable>,
        entry: &Entry,
        world: &World,
        stepped: bool,
    ) -> WorkedTable {
        let mut fresh = WorkedTable::of(world);
        let step = before.filter(|t| stepped && t.rows.len() > 1 && t.left_out == 0);
        if let Some(mut row) = step.and_then(|t| t.rows.pop()) {
            row.absorb(&entry.command, &entry.applied.notes);
            row.cells = world.cells();
            fresh.rows.push(row);
        }
        fresh
    }

    /// One more accepted command: a row of its own, or (in a table of steps) a part of its step.
    fn record(&mut self, entry: &Entry, world: &World, stepped: bool) {
        let notes = &entry.applied.notes;
        match (&entry.command, stepped) {
            (Command::Step(title), true) => {
                self.close(world);
                self.push(|| Row::of(title, world, String::new()));
            }
            (command, true) => {
                if self.rows.len() > 1
                    && self.left_out == 0
                    && let Some(row) = self.rows.last_mut()
                {
                    row.absorb(command, notes);
                }
                self.open = true;
            }
            (command, false) => {
                self.push(|| Row::of(&command.to_string(), world, notes.join("; ")))
            }
        }
    }

    /// Add a row, or count it as left out once the table is full (without building it).
    fn push(&mut self, row: impl FnOnce() -> Row) {
        match self.rows.len() < TABLE_ROWS {
            true => self.rows.push(row()),
            false => self.left_out += 1,
        }
    }

    /// A step's row shows the states as the step ends: filled in when it is over.
    fn close(&mut self, world: &World) {
        if std::mem::take(&mut self.open)
            && self.left_out == 0
            && let Some(row) = self.rows.last_mut()
        {
            row.cells = world.cells();
        }
    }

    /// The lab is over: close its last step, and after rows left out, show how it ended.
    fn end(&mut self, world: &World) {
        self.close(world);
        if self.left_out == 0 {
            return;
        }
        self.rows.push(Row {
            step: "…".into(),
            cells: vec![String::new(); world.replicas.len()],
            happened: format!(
                "{} more rows left out (a worked table shows at most {TABLE_ROWS})",
                self.left_out
            ),
        });
        self.rows.push(Row::of("end", world, String::new()));
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
        Row {
            step: step.to_string(),
            cells: world.cells(),
            happened,
        }
    }

    /// Fold one more command of the same step into what happened.
    fn absorb(&mut self, command: &Command, notes: &[String]) {
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
