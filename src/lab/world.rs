//! The world a lab's commands fold into: replicas with their rules, the network (links and
//! messages in flight) and the clocks. `apply` checks everything first, so a refused command
//! changes nothing.

use super::command::{ClockMode, Command, Setting, SyncMode, Which};
use super::journal::Journal;
use super::ops::{OpLog, OpReport, Shipped};
use crate::crdt::{AnyOp, AnySet, Delta, Edit, Elem, Kind, Mistake, Name, Refusal, Rules, Stamp};
use std::collections::BTreeSet;
use std::sync::Arc;

/// At most this many replicas in one lab.
pub const MAX_REPLICAS: usize = 26;
/// The longest element, in characters.
pub const MAX_ELEM: usize = 64;
/// The longest replica name, in characters.
pub const MAX_NAME: usize = 16;

/// One named replica with its clocks.
#[derive(Clone, Debug)]
pub struct Replica {
    pub name: Name,
    pub set: AnySet,
    /// How far this replica's wall clock runs ahead of real time, in seconds.
    pub skew: i64,
    /// This replica's Lamport counter.
    pub lamport: u64,
    /// The rules it follows (tie-break, remove-unseen, a mistake).
    pub rules: Rules,
    /// In op-based mode: the ops it has applied, holds, or applied early.
    pub ops: OpLog,
    /// What it changed since its peers last took its state, and what it took from them.
    pub(super) journal: Journal,
}

/// What a message carries: a snapshot of its sender's state, or ops.
#[derive(Clone, Debug)]
pub enum Payload {
    State(AnySet),
    Ops(Vec<Arc<Shipped>>),
}

/// A message on its way from one replica to another.
#[derive(Clone, Debug)]
pub struct Message {
    /// Its number, kept for life: delivering #3 leaves #4 as #4.
    pub number: usize,
    pub from: Name,
    pub to: Name,
    pub payload: Payload,
    /// The sender's Lamport counter when it sent, which the receiver catches up with.
    pub lamport: u64,
}

/// What one replica's state did under a command.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Change {
    pub replica: String,
    pub delta: Delta,
}

/// One message handed over by a `deliver`, and what it changed on its receiver (for a message
/// of ops, also what became of each op, and of held ops it set free).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Delivery {
    pub number: usize,
    pub from: String,
    pub to: String,
    pub delta: Delta,
    pub ops: Vec<OpReport>,
}

/// A message put on the wire (by `send`, or a copy by `duplicate`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Sent {
    pub number: usize,
    pub from: String,
    pub to: String,
    /// What it carried when sent, as the strip showed it (so it can be told after delivery).
    pub carries: crate::crdt::Value,
    pub ops: Vec<super::OpView>,
    pub bytes: usize,
}

/// What an accepted command did, as data: what changed on each replica (only those that did
/// change), notes when something is worth knowing (such as why nothing changed), the messages
/// a `deliver` handed over and a `send` put on the wire, and the groups a bare `sync` brought together.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Applied {
    pub changes: Vec<Change>,
    pub notes: Vec<String>,
    pub deliveries: Vec<Delivery>,
    pub sent: Vec<Sent>,
    pub met: Vec<Vec<String>>,
}

impl Applied {
    pub(super) fn noted(note: impl Into<String>) -> Applied {
        Applied {
            notes: vec![note.into()],
            ..Applied::default()
        }
    }

    /// The names of the replicas whose state changed.
    pub fn changed(&self) -> impl Iterator<Item = &str> {
        self.changes.iter().map(|c| c.replica.as_str())
    }

    /// What changed on `replica`, if it changed.
    pub fn delta(&self, replica: &str) -> Option<&Delta> {
        self.changes
            .iter()
            .find(|c| c.replica == replica)
            .map(|c| &c.delta)
    }

    /// Add what `replica` did to what it had already done under this command.
    pub(super) fn record(&mut self, replica: &Name, delta: Delta) {
        if delta.is_empty() {
            return;
        }
        match self.changes.iter_mut().find(|c| *c.replica == **replica) {
            Some(change) => change.delta = std::mem::take(&mut change.delta).then(&delta),
            None => self.changes.push(Change {
                replica: replica.to_string(),
                delta,
            }),
        }
        self.changes.retain(|c| !c.delta.is_empty());
    }
}

#[derive(Clone, Debug)]
pub struct World {
    pub kind: Kind,
    pub replicas: Vec<Replica>,
    /// The links that are down, each pair in order; empty when the network is whole.
    pub cut: BTreeSet<(Name, Name)>,
    pub wire: Vec<Message>,
    /// The number the next message sent gets.
    pub next_message: usize,
    /// Simulated real time, in seconds since midnight.
    pub time: u64,
    pub clock: ClockMode,
    pub sync: SyncMode,
    /// The rules set for every replica (and for those of later labs).
    pub rules: Rules,
    /// Whether `apply` works out what each command changed (a replay of the log does not need to).
    pub(super) record: bool,
    /// Some replica of this lab followed a mistake: merges take whole states from then on, since
    /// a mistake can leave a state that only a whole merge reads right.
    pub(super) whole_merges: bool,
}

impl Default for World {
    /// A fresh lab is an OR-Set with replicas A and B, as if `new orset A B` had run.
    fn default() -> World {
        World::fresh(Kind::OrSet, &["A".to_string(), "B".to_string()])
    }
}

pub(super) fn refuse<T>(rule: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::new(rule))
}

impl World {
    pub fn fresh(kind: Kind, names: &[String]) -> World {
        let replicas = names
            .iter()
            .map(|n| {
                let name: Name = n.as_str().into();
                let set = AnySet::new(kind, &name);
                Replica {
                    name,
                    set,
                    skew: 0,
                    lamport: 0,
                    rules: Rules::default(),
                    ops: OpLog::default(),
                    journal: Journal::default(),
                }
            })
            .collect();
        World {
            kind,
            replicas,
            cut: BTreeSet::new(),
            wire: vec![],
            next_message: 1,
            time: 12 * 3600,
            clock: ClockMode::Lamport,
            sync: SyncMode::State,
            rules: Rules::default(),
            record: true,
            whole_merges: false,
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.replicas.iter().map(|r| r.name.to_string()).collect()
    }

    /// The index of a replica, or a refusal that suggests the closest name.
    pub fn find(&self, name: &str) -> Result<usize, Refusal> {
        if let Some(i) = self.replicas.iter().position(|r| &*r.name == name) {
            return Ok(i);
        }
        let names = self.names();
        let hint = match super::closest(name, names.iter().map(String::as_str)) {
            Some(best) => format!("; did you mean {best}?"),
            None => String::new(),
        };
        refuse(format!(
            "there is no replica {name} (replicas: {}){hint}",
            names.join(" ")
        ))
    }

    pub fn replica(&self, name: &str) -> Result<&Replica, Refusal> {
        Ok(&self.replicas[self.find(name)?])
    }

    /// Apply one command, or refuse it and change nothing. The answer says what changed.
    pub fn apply(&mut self, cmd: &Command) -> Result<Applied, Refusal> {
        self.record = true;
        self.dispatch(cmd)
    }

    /// Apply one command without working out what it changed, but with its notes, messages and
    /// deliveries (their changes left empty): for a run that shows none of it.
    pub fn apply_unrecorded(&mut self, cmd: &Command) -> Result<Applied, Refusal> {
        self.record = false;
        let result = self.dispatch(cmd);
        self.record = true;
        result
    }

    /// Apply one command without working out what it changed: for replaying the log.
    pub fn replay(&mut self, cmd: &Command) -> Result<(), Refusal> {
        self.record = false;
        let result = self.dispatch(cmd).map(|_| ());
        self.record = true;
        result
    }

    fn dispatch(&mut self, cmd: &Command) -> Result<Applied, Refusal> {
        match cmd {
            Command::New { kind, replicas } => self.new_lab(*kind, replicas),
            Command::Edit { replica, edit, at } => self.edit(replica, edit, at.as_deref()),
            Command::Set {
                replica,
                elem,
                removed,
            } => self.set_entry(replica, elem, *removed),
            Command::Merge { into, from } => self.merge(into, from),
            Command::Sync(Some((a, b))) => self.sync_pair(a, b),
            Command::Sync(None) => self.sync_all(),
            Command::Send { from, to } => self.send(from, to),
            Command::Deliver(which) => self.deliver(*which),
            Command::Duplicate(n) => self.duplicate(*n),
            Command::Partition(groups) => self.partition(groups),
            Command::Heal => self.heal(),
            Command::Cut(a, b) => self.set_link(a, b, false),
            Command::Link(a, b) => self.set_link(a, b, true),
            Command::Gc => self.gc(),
            Command::Skew { replica, seconds } => self.skew(replica, *seconds),
            Command::Time(t) => {
                self.time = *t;
                Ok(Applied::default())
            }
            Command::Tick(n) => self.tick(*n),
            Command::Option { setting, replicas } => self.option(*setting, replicas),
            Command::Step(_) => Ok(Applied::default()),
        }
    }

    /// Run `f` on replica `i` and say what it changed (nothing, when not recording). When `f`
    /// can only touch the elements `only` names (an edit, a merge), only what concerns them is
    /// compared, so recording costs what they hold, not the whole state.
    pub(super) fn watch<T>(
        &mut self,
        i: usize,
        only: Option<&[Elem]>,
        f: impl FnOnce(&mut Self) -> Result<T, Refusal>,
    ) -> Result<(T, Delta), Refusal> {
        if !self.record {
            return f(self).map(|t| (t, Delta::default()));
        }
        let look = |set: &AnySet| match only {
            Some(elems) => super::scoped::describe_elems(set, elems),
            None => (set.describe(), set.visible()),
        };
        let before = look(&self.replicas[i].set);
        let out = f(self)?;
        let after = look(&self.replicas[i].set);
        let delta = Delta::between(&before.0, &after.0, &before.1, &after.1);
        Ok((out, delta))
    }

    /// Move the simulated time on. Past midnight the clock reads 24:00:00 and on (which `time`
    /// and `@` accept), so it never goes back; a tick past the last second it can count is refused.
    fn tick(&mut self, seconds: u64) -> Result<Applied, Refusal> {
        match self.time.checked_add(seconds) {
            Some(time) => {
                self.time = time;
                Ok(Applied::default())
            }
            None => refuse(format!(
                "the clock reads {} and cannot count {seconds} seconds more",
                crate::crdt::hms(self.time)
            )),
        }
    }

    fn skew(&mut self, replica: &str, seconds: i64) -> Result<Applied, Refusal> {
        let i = self.find(replica)?;
        self.replicas[i].skew = seconds;
        let mut applied = Applied::default();
        if self.kind != Kind::Lww || self.clock != ClockMode::Wall {
            applied.notes.push(format!(
                "{replica}'s clock now runs {seconds:+} s off; skew only matters to an LWW set stamping with the wall clock (new lww ..., then option clock wall)"
            ));
        }
        Ok(applied)
    }

    /// A fresh lab of `kind`; the clock, the time, the sync mode and the rules set for every
    /// replica carry over.
    fn new_lab(&mut self, kind: Kind, names: &[String]) -> Result<Applied, Refusal> {
        check_names(names)?;
        let (rules, clock, time, sync) = (self.rules, self.clock, self.time, self.sync);
        *self = World::fresh(kind, names);
        (self.clock, self.time, self.sync, self.rules) = (clock, time, sync, rules);
        self.whole_merges = rules.mistake != Mistake::None;
        for r in &mut self.replicas {
            r.rules = rules;
            r.set.configure(&rules);
        }
        Ok(Applied::default())
    }

    /// The stamp an edit on replica `i` gets when none is given.
    fn stamp_for(&self, i: usize) -> Stamp {
        let r = &self.replicas[i];
        match self.clock {
            ClockMode::Lamport => Stamp::lamport(r.lamport.saturating_add(1), &r.name),
            ClockMode::Wall => Stamp::clock(self.time.saturating_add_signed(r.skew)),
        }
    }

    fn edit(&mut self, name: &str, edit: &Edit, at: Option<&Stamp>) -> Result<Applied, Refusal> {
        let elem = match edit {
            Edit::Add(e) | Edit::Remove(e) => e,
        };
        check_elem(elem)?;
        let i = self.find(name)?;
        let stamp = at.cloned().unwrap_or_else(|| self.stamp_for(i));
        let prepared = self.replicas[i].set.prepare(edit, &stamp)?;
        let lamport = if stamp.by.is_some() {
            stamp.time
        } else {
            self.replicas[i].lamport.saturating_add(1)
        };
        self.make(i, prepared.op, lamport, prepared.note)
    }

    /// `alice set 1 true`: write the map view directly (a 2P-Set's monotonic map).
    fn set_entry(&mut self, name: &str, elem: &Elem, removed: bool) -> Result<Applied, Refusal> {
        check_elem(elem)?;
        let i = self.find(name)?;
        let prepared = self.replicas[i].set.prepare_set(elem, removed)?;
        let lamport = self.replicas[i].lamport.saturating_add(1);
        self.make(i, prepared.op, lamport, prepared.note)
    }

    /// Replica `i` applies an op it made, keeps it (in op-based mode) and moves its clock on.
    fn make(
        &mut self,
        i: usize,
        op: AnyOp,
        lamport: u64,
        note: Option<String>,
    ) -> Result<Applied, Refusal> {
        let kept = (self.sync == SyncMode::Ops).then(|| op.clone());
        let elem = op.subject().clone();
        let only = std::slice::from_ref(&elem);
        let (_, delta) = self.watch(i, Some(only), |w| w.replicas[i].set.apply(op))?;
        self.replicas[i].journal.note(&elem);
        kept.into_iter().for_each(|op| self.keep_op(i, op));
        self.replicas[i].lamport = lamport;
        let mut applied = Applied::default();
        applied.record(&self.replicas[i].name.clone(), delta);
        applied.notes.extend(note);
        Ok(applied)
    }

    /// What replica `j` sends in a merge or a message: its whole state, or with the
    /// merge-one-side mistake only the add side of it.
    fn shipped_state(&self, j: usize) -> AnySet {
        let r = &self.replicas[j];
        match r.rules.mistake {
            Mistake::MergeOneSide => r.set.adds_only(),
            _ => r.set.clone(),
        }
    }

    /// The elements of replica `i` a merge of `state` may change (none, when not recording).
    fn touched(&self, i: usize, state: &AnySet) -> Option<Vec<Elem>> {
        if !self.record {
            return Some(vec![]);
        }
        let mut touched = self.replicas[i].set.merge_touches(state)?;
        touched.sort();
        touched.dedup();
        Some(touched)
    }

    /// Replica `i` absorbs a state, and its Lamport clock catches up with the sender's.
    fn absorb(&mut self, i: usize, state: &AnySet, lamport: u64) -> Result<Delta, Refusal> {
        let touched = self.touched(i, state);
        let (_, delta) = self.watch(i, touched.as_deref(), |w| {
            let r = &mut w.replicas[i];
            r.set.merge(state)?;
            r.lamport = r.lamport.max(lamport);
            Ok(())
        })?;
        self.replicas[i].journal.restart();
        Ok(delta)
    }

    /// Replica `i` takes in what replica `j` has: its state (without copying it, unless the
    /// merge-one-side mistake cuts it down), or in op-based mode the ops it has not had.
    pub(super) fn absorb_replica(
        &mut self,
        i: usize,
        j: usize,
        applied: &mut Applied,
    ) -> Result<(), Refusal> {
        if i == j {
            return Ok(());
        }
        let lamport = self.replicas[j].lamport;
        let delta = match self.sync {
            SyncMode::Ops => {
                let ops = self.missing(j, i, false);
                let (delta, reports) = self.receive(i, &ops)?;
                self.replicas[i].lamport = self.replicas[i].lamport.max(lamport);
                let to = self.replicas[i].name.to_string();
                applied
                    .notes
                    .extend(reports.iter().filter_map(|o| report_note(&to, o)));
                delta
            }
            SyncMode::State if self.replicas[j].rules.mistake == Mistake::MergeOneSide => {
                let state = self.shipped_state(j);
                self.absorb(i, &state, lamport)?
            }
            SyncMode::State => self.take_state(i, j)?,
        };
        applied.record(&self.replicas[i].name.clone(), delta);
        Ok(())
    }

    /// Replica `i` merges replica `j`'s state: only what `j` changed since `i` last took it
    /// (see `lab::journal`), or the whole state when they never met or cannot merge in part.
    fn take_state(&mut self, i: usize, j: usize) -> Result<Delta, Refusal> {
        let part = self.part_to_take(i, j);
        let touched = match &part {
            Some(elems) if self.record => Some(elems.clone()),
            _ => self.touched(i, &self.replicas[j].set),
        };
        let (_, delta) = self.watch(i, touched.as_deref(), |w| {
            let (into, from) = two(&mut w.replicas, i, j);
            match &part {
                Some(elems) => into.set.merge_elems(&from.set, elems)?,
                None => into.set.merge(&from.set)?,
            }
            into.lamport = into.lamport.max(from.lamport);
            match &part {
                Some(elems) => into.journal.note_all(elems),
                None => into.journal.restart(),
            }
            into.journal.took(&from.name, from.journal.mark());
            Ok(())
        })?;
        Ok(delta)
    }

    /// The elements replica `i` must take from `j` when it can merge only what changed.
    pub(super) fn part_to_take(&self, i: usize, j: usize) -> Option<Vec<Elem>> {
        let (into, from) = (&self.replicas[i], &self.replicas[j]);
        if self.whole_merges || !into.set.merges_in_part(&from.set) {
            return None;
        }
        into.journal
            .to_take(&from.name, &from.journal, !into.set.grows_only())
    }

    /// Journals start over and no replica holds a mark of another: the next merges are whole.
    pub(super) fn forget_journals(&mut self) {
        for r in &mut self.replicas {
            r.journal.restart();
            r.journal.forget_peers();
        }
    }

    fn merge(&mut self, into: &str, from: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(into)?, self.find(from)?);
        if i == j {
            return refuse(format!("{into} cannot merge with itself"));
        }
        self.check_link(into, from)?;
        let mut applied = Applied::default();
        self.absorb_replica(i, j, &mut applied)?;
        Ok(unchanged(applied, self.record, || {
            format!("{into} already had everything {from} has")
        }))
    }

    fn sync_pair(&mut self, a: &str, b: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(a)?, self.find(b)?);
        if i == j {
            return refuse(format!("{a} cannot sync with itself"));
        }
        self.check_link(a, b)?;
        // i takes j's state, then j takes the join: the same as both taking the other's old state.
        let mut applied = Applied::default();
        self.absorb_replica(i, j, &mut applied)?;
        self.absorb_replica(j, i, &mut applied)?;
        Ok(unchanged(applied, self.record, || {
            format!("{a} and {b} already agreed")
        }))
    }

    fn send(&mut self, from: &str, to: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(from)?, self.find(to)?);
        if i == j {
            return refuse(format!("{from} cannot send to itself"));
        }
        let number = self.next_message;
        let (payload, note) = match self.sync {
            SyncMode::State => (Payload::State(self.shipped_state(i)), None),
            SyncMode::Ops => {
                let ops = self.missing(i, j, true);
                let note = ops.is_empty().then(|| {
                    format!(
                        "{to} has had (or has on the way) every op {from} has, so the message carries none"
                    )
                });
                (Payload::Ops(ops), note)
            }
        };
        let (from, to) = (self.replicas[i].name.clone(), self.replicas[j].name.clone());
        self.wire.push(Message {
            number,
            from,
            to,
            payload,
            lamport: self.replicas[i].lamport,
        });
        self.next_message += 1;
        Ok(Applied {
            sent: self.sent_last(),
            notes: note.into_iter().collect(),
            ..Applied::default()
        })
    }

    /// The message just put on the wire, as a record of what was sent (when recording).
    fn sent_last(&self) -> Vec<Sent> {
        let Some(m) = self.wire.last() else {
            return vec![];
        };
        let (carries, ops, bytes) = match self.record {
            true => {
                let v = self.message_view(m);
                (v.carries, v.ops, v.bytes)
            }
            false => (crate::crdt::Value::Set(vec![]), vec![], 0),
        };
        vec![Sent {
            number: m.number,
            from: m.from.to_string(),
            to: m.to.to_string(),
            carries,
            ops,
            bytes,
        }]
    }

    /// Where message number `n` is on the wire, or a refusal listing the numbers there are.
    fn on_wire(&self, n: usize) -> Result<usize, Refusal> {
        if let Some(k) = self.wire.iter().position(|m| m.number == n) {
            return Ok(k);
        }
        let numbers: Vec<String> = self.wire.iter().map(|m| format!("#{}", m.number)).collect();
        refuse(match numbers.is_empty() {
            true => format!("there is no message #{n}: nothing is in flight"),
            false => format!(
                "there is no message #{n} in flight; in flight: {}",
                numbers.join(", ")
            ),
        })
    }

    fn deliver(&mut self, which: Which) -> Result<Applied, Refusal> {
        if self.wire.is_empty() {
            return refuse("nothing is in flight; `send A B` puts a message on the wire");
        }
        let picks: Vec<usize> = match which {
            Which::Oldest => vec![0],
            Which::Number(n) => vec![self.on_wire(n)?],
            Which::All => (0..self.wire.len())
                .filter(|&k| self.deliverable(k))
                .collect(),
        };
        if let Some(&k) = picks.iter().find(|&&k| !self.deliverable(k)) {
            let m = &self.wire[k];
            return self.check_link(&m.from, &m.to).map(|_| Applied::default());
        }
        if picks.is_empty() {
            return refuse(match self.sides() {
                Some(_) => format!(
                    "every message in flight crosses the partition {}; heal it first",
                    self.partition_text()
                ),
                None => format!(
                    "every message in flight is held by a cut link ({}); link it first",
                    self.cut_text()
                ),
            });
        }
        let wire = std::mem::take(&mut self.wire).into_iter().enumerate();
        let (going, staying): (Vec<_>, Vec<_>) = wire.partition(|(k, _)| picks.contains(k));
        self.wire = staying.into_iter().map(|(_, m)| m).collect();
        let mut applied = Applied::default();
        for (_, m) in going {
            let to = self.find(&m.to)?;
            let (delta, ops) = match &m.payload {
                Payload::State(state) => (self.absorb(to, state, m.lamport)?, vec![]),
                Payload::Ops(ops) => {
                    let got = self.receive(to, ops)?;
                    let r = &mut self.replicas[to];
                    r.lamport = r.lamport.max(m.lamport);
                    got
                }
            };
            applied.record(&m.to, delta.clone());
            applied.deliveries.push(Delivery {
                number: m.number,
                from: m.from.to_string(),
                to: m.to.to_string(),
                delta,
                ops,
            });
        }
        Ok(applied)
    }

    fn deliverable(&self, k: usize) -> bool {
        let m = &self.wire[k];
        self.reachable(&m.from, &m.to)
    }

    fn duplicate(&mut self, n: usize) -> Result<Applied, Refusal> {
        let k = self.on_wire(n)?;
        let mut copy = self.wire[k].clone();
        copy.number = self.next_message;
        self.next_message += 1;
        let note = format!(
            "message #{n} is now on the wire twice (the copy is #{})",
            copy.number
        );
        self.wire.push(copy);
        Ok(Applied {
            sent: self.sent_last(),
            notes: vec![note],
            ..Applied::default()
        })
    }

    /// Drop, on every replica, the OR-Set tombstones that every replica holds (seed 003's
    /// garbage collection). Messages in flight are not looked at, which is the danger.
    fn gc(&mut self) -> Result<Applied, Refusal> {
        if self.kind != Kind::OrSet {
            return refuse(format!(
                "gc collects an OR-Set's tombstoned tags, and a {} keeps none that could be dropped",
                self.kind.title()
            ));
        }
        let mut held = self.replicas.iter().map(|r| r.set.tombstoned());
        let first = held.next().unwrap_or_default();
        let everywhere: Vec<_> = held.fold(first, |common, next| {
            common.into_iter().filter(|t| next.contains(t)).collect()
        });
        if everywhere.is_empty() {
            return Ok(Applied::noted(
                "no tombstone is held by every replica yet, so nothing can be dropped",
            ));
        }
        let mut applied = Applied::default();
        for i in 0..self.replicas.len() {
            let (_, delta) = self.watch(i, None, |w| {
                w.replicas[i].set.forget(&everywhere);
                Ok(())
            })?;
            applied.record(&self.replicas[i].name.clone(), delta);
        }
        if !self.wire.is_empty() {
            applied.notes.push(format!(
                "{} message(s) still in flight were not looked at: one that carries a dropped tag as live will bring its element back",
                self.wire.len()
            ));
        }
        Ok(applied)
    }

    /// Change a setting for the replicas named, or for all of them (and for later labs).
    fn option(&mut self, setting: Setting, names: &[String]) -> Result<Applied, Refusal> {
        let (name, _) = setting.words();
        if !setting.per_replica() && !names.is_empty() {
            return refuse(format!(
                "option {name} is set for the whole lab, not for single replicas"
            ));
        }
        let targets = match names.is_empty() {
            true => (0..self.replicas.len()).collect(),
            false => names
                .iter()
                .map(|n| self.find(n))
                .collect::<Result<Vec<usize>, Refusal>>()?,
        };
        let mut applied = Applied::default();
        match setting {
            Setting::Clock(c) => self.clock = c,
            Setting::Sync(mode) => self.switch_sync(mode)?,
            rule => {
                if names.is_empty() {
                    set_rule(&mut self.rules, rule);
                }
                if matches!(rule, Setting::Mistake(m) if m != Mistake::None) {
                    self.whole_merges = true;
                }
                for i in targets {
                    let (_, delta) = self.watch(i, None, |w| {
                        let r = &mut w.replicas[i];
                        set_rule(&mut r.rules, rule);
                        r.set.configure(&r.rules);
                        Ok(())
                    })?;
                    applied.record(&self.replicas[i].name.clone(), delta);
                }
                applied.notes.extend(self.rule_note(rule));
            }
        }
        Ok(applied)
    }

    /// Op-based sync starts from empty replicas, and state-based sync from no ops pending.
    fn switch_sync(&mut self, mode: SyncMode) -> Result<(), Refusal> {
        if mode == self.sync {
            return Ok(());
        }
        let busy = match mode {
            SyncMode::Ops => {
                self.replicas.iter().any(|r| r.set.meta_size() > 0) || !self.wire.is_empty()
            }
            SyncMode::State => {
                self.replicas.iter().any(|r| !r.ops.waiting.is_empty()) || !self.wire.is_empty()
            }
        };
        if busy {
            return refuse(match mode {
                SyncMode::Ops => {
                    "op-based sync starts from empty replicas with nothing in flight, since no ops were kept until now: switch before the first edit (new ... keeps the setting)"
                }
                SyncMode::State => {
                    "messages of ops are in flight or ops are waiting; deliver them before switching to state-based sync"
                }
            });
        }
        self.sync = mode;
        for r in &mut self.replicas {
            r.ops = OpLog::default();
        }
        Ok(())
    }

    /// A note when a rule means nothing to this type.
    fn rule_note(&self, rule: Setting) -> Option<String> {
        let title = self.kind.title();
        match rule {
            Setting::TieBreak(_) if self.kind != Kind::Lww => Some(format!(
                "the tie-break decides between equal LWW stamps; a {title} has none"
            )),
            Setting::RemoveUnseen(_) if self.kind != Kind::TwoPSet => Some(format!(
                "remove-unseen is a 2P-Set rule; a {title} does not use it"
            )),
            Setting::Mistake(Mistake::ReuseTags)
                if !matches!(self.kind, Kind::OrSet | Kind::Orswot) =>
            {
                Some(format!(
                    "reuse-tags is a mistake with tags; a {title} mints none"
                ))
            }
            Setting::Mistake(Mistake::MergeOneSide) => Some(match self.kind.remove_side() {
                Some(side) if self.sync == SyncMode::State => {
                    format!("merges and messages now leave the {title}'s {side} behind")
                }
                Some(_) => {
                    "merge-one-side spoils state merges; with op-based sync it changes nothing"
                        .to_string()
                }
                None => format!(
                    "a {title} keeps no separate remove side, so merge-one-side changes nothing"
                ),
            }),
            _ => None,
        }
    }

    /// How big the world is, in pieces of metadata (the replicas' and the messages in flight):
    /// what a copy of it costs, roughly.
    pub fn size(&self) -> usize {
        let sets = self.replicas.iter().map(|r| &r.set);
        let sets = sets.chain(self.wire.iter().filter_map(|m| match &m.payload {
            Payload::State(state) => Some(state),
            Payload::Ops(_) => None,
        }));
        sets.map(|s| s.meta_size() + 1).sum()
    }

    /// Do all replicas hold the same replicated state (compared as typed values, not as text),
    /// and show the same elements? (Replicas that read one state by different rules have not
    /// converged.)
    pub fn converged(&self) -> bool {
        let mut sets = self.replicas.iter().map(|r| &r.set);
        let first = sets.next();
        sets.all(|s| first.is_none_or(|f| f.same_state(s) && f.same_elements(s)))
    }

    /// Why `elem` is present or absent on replica `i`: the core's sentence, what held or early
    /// ops have to do with it, and whether the replicas read ties by different rules.
    pub fn explain(&self, i: usize, elem: &Elem) -> String {
        let r = &self.replicas[i];
        let mut parts = vec![r.set.explain(elem)];
        parts.extend(self.op_story(i, elem));
        let rules: BTreeSet<&str> = self
            .replicas
            .iter()
            .map(|r| r.rules.tiebreak.word())
            .collect();
        if self.kind == Kind::Lww && rules.len() > 1 {
            let each: Vec<String> = self
                .replicas
                .iter()
                .map(|r| format!("{} {}", r.name, r.rules.tiebreak.word()))
                .collect();
            parts.push(format!(
                "the replicas do not share one tie-break ({}), so where an add and a remove tie they can never agree",
                each.join(", ")
            ));
        }
        parts.join("; ")
    }
}

/// Change one rule in a replica's rules.
fn set_rule(rules: &mut Rules, setting: Setting) {
    match setting {
        Setting::TieBreak(t) => rules.tiebreak = t,
        Setting::Mistake(m) => rules.mistake = m,
        Setting::RemoveUnseen(r) => rules.remove_unseen = r,
        Setting::Clock(_) | Setting::Sync(_) => {}
    }
}

/// A note for an op of a direct merge that did not simply apply.
fn report_note(to: &str, report: &OpReport) -> Option<String> {
    use super::ops::Outcome;
    let op = format!("{} (from {})", report.op, report.origin);
    match &report.outcome {
        Outcome::Applied | Outcome::Duplicate => None,
        Outcome::Early(why) => Some(format!("{op} was applied early on {to}: {why}")),
        Outcome::Waiting(why) => Some(format!("{op} waits on {to}: {why}")),
        Outcome::Released => Some(format!("{op} no longer waits on {to}, and is applied")),
    }
}

/// Two distinct replicas, one to change and one to read.
fn two(replicas: &mut [Replica], i: usize, j: usize) -> (&mut Replica, &Replica) {
    if i < j {
        let (left, right) = replicas.split_at_mut(j);
        (&mut left[i], &right[0])
    } else {
        let (left, right) = replicas.split_at_mut(i);
        (&mut right[0], &left[j])
    }
}

fn check_elem(elem: &Elem) -> Result<(), Refusal> {
    if elem.to_string().chars().count() > MAX_ELEM {
        return refuse(format!("an element is at most {MAX_ELEM} characters"));
    }
    Ok(())
}

/// Replica names: 1 to 26 of them, each a letter then letters, digits, `_` or `-`, distinct
/// even ignoring case (tags are lowercase). (The command language also keeps its own words out.)
pub fn check_names(names: &[String]) -> Result<(), Refusal> {
    if names.is_empty() || names.len() > MAX_REPLICAS {
        return refuse(format!(
            "a lab has 1 to {MAX_REPLICAS} replicas, e.g. new orset A B"
        ));
    }
    for (k, name) in names.iter().enumerate() {
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        if !first_ok
            || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || name.len() > MAX_NAME
        {
            return refuse(format!(
                "'{name}' is not a replica name: use a letter, then letters, digits, _ or - (at most {MAX_NAME})"
            ));
        }
        if names[..k].iter().any(|m| m.eq_ignore_ascii_case(name)) {
            return refuse(format!(
                "'{name}' is named twice (names must differ even ignoring case, since tags are lowercase)"
            ));
        }
        if let Some(other) = names.iter().find(|m| tags_collide(m, name)) {
            let digits = &name[other.len()..];
            return refuse(format!(
                "'{name}' is '{other}' followed by digits, so their tags would read alike ({other}'s tag {digits}1 and {name}'s tag 1 are both {}1); pick names that differ otherwise",
                name.to_lowercase()
            ));
        }
    }
    Ok(())
}

/// Would tags of `longer` read like tags of `name`? A tag is the lowercase name and a counter,
/// so `a` and `a1` collide (`a11`), while `a` and `ab` cannot.
fn tags_collide(name: &str, longer: &str) -> bool {
    let (name, longer) = (name.to_lowercase(), longer.to_lowercase());
    longer.len() > name.len()
        && longer.starts_with(&name)
        && longer[name.len()..].bytes().all(|b| b.is_ascii_digit())
}

/// A command that changed no replica says so, unless it already said something (or what it
/// changed was not worked out).
pub(super) fn unchanged(
    mut applied: Applied,
    recorded: bool,
    why: impl FnOnce() -> String,
) -> Applied {
    if recorded && applied.changes.is_empty() && applied.notes.is_empty() {
        applied.notes.push(format!("{}: nothing changed", why()));
    }
    applied
}
