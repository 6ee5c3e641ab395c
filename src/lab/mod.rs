//! The lab: a world of replicas that is the fold of its command log (event sourcing). Undo,
//! redo, reset, jumping to a position, compare and the worked-table history are walks over the log.

mod command;
mod view;
mod world;

pub use command::{ClockMode, Command, Setting, Which};
pub use view::{Comparison, LabView, MessageView, ReplicaView, Row};
pub use world::{Applied, MAX_ELEM, MAX_NAME, MAX_REPLICAS, Message, Replica, World, check_names};

use crate::crdt::{Kind, Refusal};

/// A snapshot of the world is kept every this many log entries, so undo replays at most this many.
pub const SNAPSHOT_EVERY: usize = 64;
/// The longest history a lab keeps.
pub const MAX_HISTORY: usize = 10_000_000;

/// One command in the log, with what it did. A refused command stays in the log, marked,
/// and changes nothing when the log is folded.
#[derive(Clone, Debug)]
pub struct Entry {
    pub command: Command,
    pub refused: Option<Refusal>,
    pub applied: Applied,
    /// The step (counted by `step` commands) this entry belongs to; 0 before the first.
    pub step: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Lab {
    log: Vec<Entry>,
    /// `log[..cursor]` is in effect; the rest can be redone.
    cursor: usize,
    /// `snapshots[k]` is the world after `k * SNAPSHOT_EVERY` entries.
    snapshots: Vec<World>,
    world: World,
}

impl Lab {
    pub fn new() -> Lab {
        Lab::default()
    }

    pub fn world(&self) -> &World {
        &self.world
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

    /// The step the lab is in (the number of `step` commands in effect).
    pub fn step(&self) -> usize {
        self.history().last().map_or(0, |e| e.step)
    }

    /// Run a command: it is applied or refused, and either way it is logged. Undone entries are dropped.
    pub fn run(&mut self, command: Command) -> Result<Applied, Refusal> {
        if self.cursor >= MAX_HISTORY {
            return Err(Refusal::new(format!(
                "the history is full ({MAX_HISTORY} commands); save and start a new lab"
            )));
        }
        self.log.truncate(self.cursor);
        self.snapshots.truncate(self.cursor / SNAPSHOT_EVERY + 1);
        let step = self.step() + usize::from(matches!(command, Command::Step(_)));
        let result = self.world.apply(&command);
        let (refused, applied) = match &result {
            Ok(applied) => (None, applied.clone()),
            Err(refusal) => (Some(refusal.clone()), Applied::default()),
        };
        self.log.push(Entry { command, refused, applied, step });
        self.advance();
        result
    }

    fn advance(&mut self) {
        if self.snapshots.is_empty() {
            self.snapshots.push(World::default());
        }
        self.cursor += 1;
        if self.cursor.is_multiple_of(SNAPSHOT_EVERY) && self.snapshots.len() == self.cursor / SNAPSHOT_EVERY {
            self.snapshots.push(self.world.clone());
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
        let next = self.log[self.cursor..].iter().position(|e| e.refused.is_none())? + self.cursor;
        self.goto(next + 1);
        self.log.get(next)
    }

    /// Back to the fresh lab; everything stays in the log for redo.
    pub fn reset(&mut self) {
        self.goto(0);
    }

    /// Put the lab at `position` in its log: the nearest snapshot, then a replay of at most
    /// `SNAPSHOT_EVERY` entries.
    pub fn goto(&mut self, position: usize) {
        let position = position.min(self.log.len());
        let k = (position / SNAPSHOT_EVERY).min(self.snapshots.len().saturating_sub(1));
        let mut world = self.snapshots.get(k).cloned().unwrap_or_default();
        for entry in &self.log[k * SNAPSHOT_EVERY..position] {
            if entry.refused.is_none() {
                let _ = world.apply(&entry.command);
            }
        }
        self.world = world;
        self.cursor = position;
    }

    /// Replay the history on another set type, from a fresh lab: each `new` takes that type.
    /// Returns the world after each entry and what each entry did there.
    pub fn replay_as(&self, kind: Kind) -> Vec<(World, Result<Applied, Refusal>)> {
        let mut world = World::default();
        world.apply(&Command::New { kind, replicas: world.names() }).ok();
        self.history()
            .iter()
            .map(|entry| {
                let command = match &entry.command {
                    Command::New { replicas, .. } => Command::New { kind, replicas: replicas.clone() },
                    other => other.clone(),
                };
                let result = world.apply(&command);
                (world.clone(), result)
            })
            .collect()
    }

    /// The same history on every set type, side by side.
    pub fn compare(&self) -> Vec<Comparison> {
        Kind::ALL.iter().map(|&kind| Comparison::of(self, kind)).collect()
    }
}

#[cfg(test)]
mod tests;
