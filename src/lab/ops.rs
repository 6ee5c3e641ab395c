//! Op-based sync (`option sync ops`): each replica keeps the ops it has applied, its own and
//! received. A message carries the ops its sender has that its receiver has not had, relayed ones
//! included. On arrival each op is applied, applied early (when its type allows an op that came
//! before one it depends on), held until what it waits for has come, or skipped as a duplicate.

use super::world::{Payload, Replica, World};
use crate::crdt::{AnyOp, Arrival, Delta, Name, Refusal};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// An op's identity: the replica that made it and its number there, from 1.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId {
    pub origin: Name,
    pub seq: u64,
}

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}'s op {}", self.origin, self.seq)
    }
}

/// An op as it travels: its identity and the op itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Shipped {
    pub id: OpId,
    pub op: AnyOp,
}

impl Shipped {
    /// Its size on the wire: what it carries, as JSON, in bytes.
    pub fn bytes(&self) -> usize {
        serde_json::to_string(&self.op.carries()).map_or(0, |j| j.len())
    }
}

/// The ops one replica keeps in op-based mode.
#[derive(Clone, Debug, Default)]
pub struct OpLog {
    /// Applied here, own and received, in the order applied.
    pub applied: Vec<Arc<Shipped>>,
    /// Received before something they depend on, with what each waits for.
    pub waiting: Vec<(Arc<Shipped>, String)>,
    /// Applied though they came before something they depend on, with why that was safe.
    pub early: Vec<(Arc<Shipped>, String)>,
    /// How many ops this replica has made.
    pub made: u64,
}

impl OpLog {
    /// Has this replica had the op (applied it, or holds it waiting)?
    pub fn has(&self, id: &OpId) -> bool {
        self.applied.iter().any(|s| s.id == *id) || self.waiting.iter().any(|(s, _)| s.id == *id)
    }
}

/// What became of one op on arrival.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Outcome {
    Applied,
    /// Applied, though it came before an op it depends on: why that is safe.
    Early(String),
    /// Held: what it waits for, and why.
    Waiting(String),
    /// Held before, applied now that what it waited for has come.
    Released,
    /// Already had: skipped.
    Duplicate,
}

/// One op of a delivery, and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpReport {
    pub op: String,
    pub origin: String,
    pub outcome: Outcome,
    /// Whether applying it changed the receiver's state (false when held or skipped).
    pub changed: bool,
}

impl OpReport {
    fn of(shipped: &Shipped, outcome: Outcome) -> OpReport {
        OpReport {
            op: shipped.op.to_string(),
            origin: shipped.id.origin.to_string(),
            outcome,
            changed: false,
        }
    }
}

impl World {
    /// Keep an op replica `i` made (in op-based mode).
    pub(super) fn keep_op(&mut self, i: usize, op: AnyOp) {
        let r = &mut self.replicas[i];
        r.ops.made += 1;
        let id = OpId {
            origin: r.name.clone(),
            seq: r.ops.made,
        };
        r.ops.applied.push(Arc::new(Shipped { id, op }));
    }

    /// The ops replica `i` has applied that replica `j` has not had, in the order `i` applied
    /// them. For a message (`on_the_way`), ops already on the wire to `j` are left out: they
    /// will get there, so the new message may overtake what it depends on.
    pub(super) fn missing(&self, i: usize, j: usize, on_the_way: bool) -> Vec<Arc<Shipped>> {
        let had = &self.replicas[j].ops;
        let to = &self.replicas[j].name;
        let in_flight = |s: &Shipped| {
            on_the_way && self.wire.iter().any(|m| {
                m.to == *to
                    && matches!(&m.payload, Payload::Ops(ops) if ops.iter().any(|o| o.id == s.id))
            })
        };
        let mine = self.replicas[i].ops.applied.iter();
        mine.filter(|s| !had.has(&s.id) && !in_flight(s))
            .cloned()
            .collect()
    }

    /// Hand ops to replica `j`, then apply any held op whose wait is over. Says what changed and
    /// what became of each op.
    pub(super) fn receive(
        &mut self,
        j: usize,
        ops: &[Arc<Shipped>],
    ) -> Result<(Delta, Vec<OpReport>), Refusal> {
        // An op changes only its subject: these ops' and those of held ops it may set free.
        let held = self.replicas[j].ops.waiting.iter().map(|(s, _)| s);
        let mut subjects: Vec<_> = ops
            .iter()
            .chain(held)
            .map(|s| s.op.subject().clone())
            .collect();
        subjects.sort();
        subjects.dedup();
        self.watch(j, Some(&subjects), |w| {
            let r = &mut w.replicas[j];
            let mut reports = vec![];
            for shipped in ops {
                if r.ops.has(&shipped.id) {
                    reports.push(OpReport::of(shipped, Outcome::Duplicate));
                    continue;
                }
                let report = match r.set.arrival(&shipped.op) {
                    Arrival::Wait(why) => {
                        r.ops.waiting.push((shipped.clone(), why.clone()));
                        OpReport::of(shipped, Outcome::Waiting(why))
                    }
                    arrival => apply(r, shipped, arrival)?,
                };
                reports.push(report);
                release(r, &mut reports)?;
            }
            Ok(reports)
        })
        .map(|(reports, delta)| (delta, reports))
    }

    /// What replica `i`'s held and early ops say about ops on `elem`, for `explain`.
    pub(super) fn op_story(&self, i: usize, elem: &crate::crdt::Elem) -> Vec<String> {
        let log = &self.replicas[i].ops;
        let about = |s: &Shipped| s.op.subject() == elem;
        let waiting = log
            .waiting
            .iter()
            .filter(|(s, _)| about(s))
            .map(|(s, why)| format!("{} (from {}) is waiting: {why}", s.op, s.id.origin));
        let early = log.early.iter().filter(|(s, _)| about(s)).map(|(s, why)| {
            format!(
                "{} (from {}) came before an op it depends on and was applied at once: {why}",
                s.op, s.id.origin
            )
        });
        waiting.chain(early).collect()
    }
}

/// Apply one op that is ready (or may be applied early) and keep it.
fn apply(r: &mut Replica, shipped: &Arc<Shipped>, arrival: Arrival) -> Result<OpReport, Refusal> {
    let before = r.set.describe_elem(shipped.op.subject());
    r.set.apply(shipped.op.clone())?;
    r.journal.note(shipped.op.subject());
    r.ops.applied.push(shipped.clone());
    let outcome = match arrival {
        Arrival::Early(why) => {
            r.ops.early.push((shipped.clone(), why.clone()));
            Outcome::Early(why)
        }
        _ => Outcome::Applied,
    };
    let mut report = OpReport::of(shipped, outcome);
    report.changed = r.set.describe_elem(shipped.op.subject()) != before;
    Ok(report)
}

/// Apply held ops whose wait is over, until none is left that can go; the others get their
/// reason brought up to date.
fn release(r: &mut Replica, reports: &mut Vec<OpReport>) -> Result<(), Refusal> {
    loop {
        let mut freed = None;
        for (k, (shipped, why)) in r.ops.waiting.iter_mut().enumerate() {
            match r.set.arrival(&shipped.op) {
                Arrival::Wait(now) => *why = now,
                arrival => {
                    freed = Some((k, arrival));
                    break;
                }
            }
        }
        let Some((k, arrival)) = freed else {
            return Ok(());
        };
        let (shipped, _) = r.ops.waiting.remove(k);
        let mut report = apply(r, &shipped, arrival)?;
        if report.outcome == Outcome::Applied {
            report.outcome = Outcome::Released;
        }
        reports.push(report);
    }
}
