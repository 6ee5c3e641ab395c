//! The lab: a world of replicas that is the fold of its command log (event sourcing). Undo,
//! redo, reset, jumping to a position, compare and the worked-table history are walks over the log.

mod command;
mod compare;
mod explore;
mod journal;
mod laws;
mod network;
mod ops;
mod probe;
mod scoped;
mod setup;
mod stats;
mod suggest;
mod timeline;
mod view;
mod world;

pub use command::{ClockMode, Command, Setting, SyncMode, Which, quoted, word};
pub use compare::{Comparison, Observed};
pub use explore::{Choice, Ending, Exploration, Faults, explore};
pub use laws::{DEFAULT_CASES, Law, Report, check};
pub use ops::{OpId, OpLog, OpReport, Outcome, Shipped};
pub use probe::{Counterexample, Move, Probe};
pub use setup::Setup;
pub use stats::{HISTORY_POINTS, MessageStats, ReplicaStats, Stats, json_bytes};
pub use suggest::closest;
pub use timeline::{Mark, Timeline, TimelineRow};
pub use view::{
    CELL_CHARS, LabView, MessageView, OpView, ReplicaView, Row, TABLE_ROWS, WorkedTable, clip,
};
pub use world::{
    Applied, Change, Delivery, MAX_ELEM, MAX_NAME, MAX_REPLICAS, Message, Payload, Replica, Sent,
    World, check_names,
};

use crate::crdt::{Edit, Elem, Kind, Refusal};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// A snapshot of the world is kept at most every this many log entries; small labs get one this
/// often, so their undo replays at most this many.
pub const SNAPSHOT_EVERY: usize = 64;
/// Near the head of the log a big world is copied every `s` entries, `s` being its size (see
/// [`World::size`]), so an undo there replays at most `s` entries. Older snapshots are thinned
/// to one in `SNAPSHOT_SPACING`: once a snapshot is no longer among the [`DENSE_SNAPSHOTS`]
/// newest it stays only if it starts a new run of `SNAPSHOT_SPACING` along the log. The old
/// snapshots then hold about one piece per `SNAPSHOT_SPACING` commands however long the history
/// (a steady world of `s` pieces is kept every `s * SNAPSHOT_SPACING` commands), the newest a
/// few copies of the world, and those of a growing lab add up to about one copy of it; a jump
/// back into the old history replays at most `SNAPSHOT_SPACING` world sizes (replaying one
/// entry costs far less than copying one piece).
pub const SNAPSHOT_SPACING: usize = 4;
/// How many of the newest snapshots stay as they were taken, one world's size apart: the undos
/// a user makes in a row from the head all replay little.
pub const DENSE_SNAPSHOTS: usize = 4;
/// The longest history a lab keeps.
pub const MAX_HISTORY: usize = 10_000_000;

/// One command in the log, with what it did. A refused command stays in the log, marked,
/// and changes nothing when the log is folded.
#[derive(Clone, Debug)]
pub struct Entry {
    pub command: Command,
    /// Out of line: refusals are rare, and the log keeps one entry per command.
    pub refused: Option<Box<Refusal>>,
    pub applied: Kept,
    /// The step (counted by `step` commands) this entry belongs to; 0 before the first.
    pub step: u32,
}

/// What a command did, as the log keeps it: read it as an [`Applied`] (it derefs to one). An
/// empty one, what most commands of a `--quiet` run leave, takes one pointer's room and no
/// allocation; a full one is kept out of line, so every entry stays small, and shared by the
/// entries that did the same (every bare `sync` of an unpartitioned lab meets the same groups).
#[derive(Clone, Debug, Default)]
pub struct Kept(Option<Arc<Applied>>);

/// The empty [`Applied`] that every empty [`Kept`] reads as.
static NOTHING: Applied = Applied {
    changes: Vec::new(),
    notes: Vec::new(),
    deliveries: Vec::new(),
    sent: Vec::new(),
    met: Vec::new(),
};

/// How many recent [`Kept`] values a lab remembers to share with the next entries.
const RECENT: usize = 4;

impl Kept {
    /// Keep `applied`, sharing one of `recent` if it is the same, else remembering it there.
    fn of(applied: &Applied, recent: &mut VecDeque<Arc<Applied>>) -> Kept {
        if *applied == NOTHING {
            return Kept(None);
        }
        if let Some(same) = recent.iter().find(|r| ***r == *applied) {
            return Kept(Some(same.clone()));
        }
        let kept = Arc::new(applied.clone());
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back(kept.clone());
        Kept(Some(kept))
    }
}

impl std::ops::Deref for Kept {
    type Target = Applied;

    fn deref(&self) -> &Applied {
        self.0.as_deref().unwrap_or(&NOTHING)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Lab {
    log: Vec<Entry>,
    /// `log[..cursor]` is in effect; the rest can be redone.
    cursor: usize,
    /// The world at some positions of the log, in order; the first is the fresh lab at 0.
    snapshots: Vec<Snapshot>,
    world: World,
    /// Whether each command's change is left unworked-out (`run --quiet`, where nobody shows
    /// it): the entries then hold no changes, and `recorded` works them out when asked.
    unrecorded: bool,
    /// Whether some entry was run so (they stay in the log until a new lab).
    some_unrecorded: bool,
    /// What the log's entries share (out of line, so a lab stays small to move).
    shared: Box<Shared>,
}

/// What a lab's entries share instead of each keeping a copy.
#[derive(Clone, Debug, Default)]
struct Shared {
    /// Every string element the log names, once: a command's element is swapped for the copy
    /// here, so a long history over a few elements keeps a few strings, not one per command.
    elems: HashSet<Elem>,
    /// The last few things commands did, to share with entries that do the same (see [`Kept`]).
    recent: VecDeque<Arc<Applied>>,
}

#[derive(Clone, Debug)]
struct Snapshot {
    /// The world after this many entries.
    position: usize,
    world: World,
    /// The world's size (see [`World::size`]): the entries to wait after this snapshot, while
    /// it is among the newest, before the next.
    size: usize,
    /// Its place along the log counted in those waits (0 for the fresh lab): old snapshots are
    /// kept one per `SNAPSHOT_SPACING` of these.
    nth: usize,
}

impl Snapshot {
    /// The world after `position` entries, taken after the snapshot `last`, without its journals
    /// (they only make merges cheaper, and a world rebuilt from a snapshot merges whole states
    /// until its replicas meet again).
    fn of(position: usize, world: &World, last: Option<&Snapshot>) -> Snapshot {
        // After an undo and a new command, the wait since `last` can span several gaps.
        let nth = last.map_or(0, |s| s.nth + ((position - s.position) / s.gap()).max(1));
        let mut world = world.clone();
        world.forget_journals();
        let size = world.size();
        Snapshot {
            position,
            world,
            size,
            nth,
        }
    }

    fn gap(&self) -> usize {
        SNAPSHOT_EVERY.max(self.size)
    }
}

impl Lab {
    pub fn new() -> Lab {
        Lab::default()
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// Stop (or go back to) working out what each command changes, for a run that shows none
    /// of it. Entries run meanwhile hold no changes; [`Lab::recorded`] works them out again.
    pub fn set_recording(&mut self, on: bool) {
        self.unrecorded = !on;
        self.some_unrecorded |= !on;
    }

    /// The history in effect run again on a fresh lab that records every change: the lab as
    /// it would be had it recorded all along.
    pub fn recorded(&self) -> Lab {
        let mut lab = Lab::new();
        for entry in self.history() {
            let _ = lab.run(entry.command.clone());
        }
        lab
    }

    /// Whether every entry holds its change (see [`Lab::set_recording`]).
    pub fn recorded_all(&self) -> bool {
        !self.some_unrecorded
    }

    /// The entries in effect, oldest first.
    pub fn history(&self) -> &[Entry] {
        &self.log[..self.cursor]
    }

    /// Every entry, including those undone and waiting for redo.
    pub fn log(&self) -> &[Entry] {
        &self.log
    }

    pub fn position(&self) -> usize {
        self.cursor
    }

    /// How much the kept snapshots hold, in [`World::size`] pieces: what undo's memory costs.
    pub fn snapshot_size(&self) -> usize {
        self.snapshots.iter().map(|s| s.world.size()).sum()
    }

    /// The step the lab is in (the number of `step` commands in effect).
    pub fn step(&self) -> usize {
        self.history().last().map_or(0, |e| e.step as usize)
    }

    /// Run a command: it is applied or refused, and either way it is logged. Undone entries are dropped.
    pub fn run(&mut self, mut command: Command) -> Result<Applied, Refusal> {
        if self.cursor >= MAX_HISTORY {
            return Err(Refusal::new(format!(
                "the history is full ({MAX_HISTORY} commands); save and start a new lab"
            )));
        }
        self.log.truncate(self.cursor);
        // Snapshots past the cursor (after an undo) go; they are the last ones, found by halving.
        let cursor = self.cursor;
        let kept = self.snapshots.partition_point(|s| s.position <= cursor);
        self.snapshots.truncate(kept);
        // A step number fits in 32 bits: the history holds at most MAX_HISTORY entries.
        self.share_elem(&mut command);
        let step = self.step() as u32 + u32::from(matches!(command, Command::Step(_)));
        let result = match self.unrecorded {
            true => self.world.apply_unrecorded(&command),
            false => self.world.apply(&command),
        };
        let (refused, applied) = match &result {
            Ok(applied) => (None, Kept::of(applied, &mut self.shared.recent)),
            Err(refusal) => (Some(Box::new(refusal.clone())), Kept::default()),
        };
        self.log.push(Entry {
            command,
            refused,
            applied,
            step,
        });
        self.advance();
        result
    }

    /// Swap a command's string element for the one the table keeps (see `elems`).
    fn share_elem(&mut self, command: &mut Command) {
        let elem = match command {
            Command::Edit {
                edit: Edit::Add(elem) | Edit::Remove(elem),
                ..
            }
            | Command::Set { elem, .. } => elem,
            _ => return,
        };
        if let Elem::Int(_) = elem {
            return;
        }
        match self.shared.elems.get(elem) {
            Some(kept) => *elem = kept.clone(),
            None => {
                self.shared.elems.insert(elem.clone());
            }
        }
    }

    fn advance(&mut self) {
        if self.snapshots.is_empty() {
            self.snapshots
                .push(Snapshot::of(0, &World::default(), None));
        }
        self.cursor += 1;
        let due = self
            .snapshots
            .last()
            .is_some_and(|s| self.cursor >= s.position + s.gap());
        if due {
            let snapshot = Snapshot::of(self.cursor, &self.world, self.snapshots.last());
            self.snapshots.push(snapshot);
            self.thin();
        }
    }

    /// The snapshot that has just stopped being one of the newest goes unless it starts a new
    /// run of [`SNAPSHOT_SPACING`] after the one kept before it; the fresh lab's always stays.
    fn thin(&mut self) {
        let Some(aged) = self.snapshots.len().checked_sub(DENSE_SNAPSHOTS + 1) else {
            return;
        };
        if aged == 0 {
            return;
        }
        let run = |s: &Snapshot| s.nth / SNAPSHOT_SPACING;
        if run(&self.snapshots[aged]) == run(&self.snapshots[aged - 1]) {
            self.snapshots.remove(aged);
        }
    }

    /// Step back over the last accepted command (and any refused ones after it).
    pub fn undo(&mut self) -> Option<&Entry> {
        let last = self.history().iter().rposition(|e| e.refused.is_none())?;
        self.goto(last);
        self.log.get(last)
    }

    /// Step forward over the next accepted command (and any refused ones before it).
    pub fn redo(&mut self) -> Option<&Entry> {
        let next = self.log[self.cursor..]
            .iter()
            .position(|e| e.refused.is_none())?
            + self.cursor;
        self.goto(next + 1);
        self.log.get(next)
    }

    /// Back to the fresh lab; everything stays in the log for redo.
    pub fn reset(&mut self) {
        self.goto(0);
    }

    /// Put the lab at `position` in its log: the nearest snapshot at or before it, then a replay
    /// of the entries after it. Moving forward within a snapshot's span replays from where the lab is.
    pub fn goto(&mut self, position: usize) {
        let position = position.min(self.log.len());
        let k = self.snapshots.partition_point(|s| s.position <= position);
        let nearest = k.checked_sub(1).and_then(|k| self.snapshots.get(k));
        let from = match nearest {
            _ if position >= self.cursor && nearest.is_none_or(|s| s.position <= self.cursor) => {
                self.cursor
            }
            Some(s) => {
                self.world = s.world.clone();
                s.position
            }
            None => {
                self.world = World::default();
                0
            }
        };
        walk(
            &mut self.world,
            &self.log[from..position],
            None,
            |_, _, _| {},
        );
        self.cursor = position;
    }

    /// Walk the history from a fresh lab, with each `new` taking `kind` when one is given;
    /// `visit` sees each entry, the world after it and what it did there.
    pub fn replay(
        &self,
        kind: Option<Kind>,
        visit: impl FnMut(&Entry, &World, Result<(), &Refusal>),
    ) -> World {
        let mut world = World::default();
        if let Some(kind) = kind {
            let replicas = world.names();
            let _ = world.replay(&Command::New { kind, replicas });
        }
        walk(&mut world, self.history(), kind, visit);
        world
    }

    /// The same history on every set type, side by side.
    pub fn compare(&self) -> Vec<Comparison> {
        Kind::ALL
            .iter()
            .map(|&kind| Comparison::of(self, kind))
            .collect()
    }

    /// What the last entry in effect changed, replica by replica.
    pub fn last_changes(&self) -> &[Change] {
        self.history()
            .last()
            .map_or(&[], |e| e.applied.changes.as_slice())
    }

    /// What moving from log position `from` to `to` changed, replica by replica: the entries in
    /// between, composed (and taken back when moving backwards). Empty across a `new`.
    pub fn changes_between(&self, from: usize, to: usize) -> Vec<Change> {
        let (lo, hi) = (from.min(to), from.max(to).min(self.log.len()));
        let span = &self.log[lo.min(hi)..hi];
        if span
            .iter()
            .any(|e| e.command.is_new() && e.refused.is_none())
        {
            return vec![];
        }
        let mut net: Vec<Change> = vec![];
        for change in span.iter().flat_map(|e| &e.applied.changes) {
            match net.iter_mut().find(|c| c.replica == change.replica) {
                Some(c) => c.delta = std::mem::take(&mut c.delta).then(&change.delta),
                None => net.push(change.clone()),
            }
        }
        if to < from {
            net.iter_mut()
                .for_each(|c| c.delta = std::mem::take(&mut c.delta).inverse());
        }
        net.retain(|c| !c.delta.is_empty());
        net
    }
}

/// The one walk over a log: replay `entries` on `world`. With no `kind` the log replays as it
/// was, so refused entries are skipped (they changed nothing); with a `kind`, every `new` takes
/// that type and every entry is tried again, since another type may accept what this one refused.
fn walk(
    world: &mut World,
    entries: &[Entry],
    kind: Option<Kind>,
    mut visit: impl FnMut(&Entry, &World, Result<(), &Refusal>),
) {
    for entry in entries {
        if let (None, Some(refusal)) = (kind, &entry.refused) {
            visit(entry, world, Err(&**refusal));
            continue;
        }
        let result = match (kind, &entry.command) {
            (Some(kind), Command::New { replicas, .. }) => world.replay(&Command::New {
                kind,
                replicas: replicas.clone(),
            }),
            (_, command) => world.replay(command),
        };
        visit(entry, world, result.as_ref().map(|_| ()));
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_ops;

#[cfg(test)]
mod tests_journal;
#[cfg(test)]
mod tests_scoped;
