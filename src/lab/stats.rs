//! `stats`: what the lab costs. Per replica, the live entries (visible elements) against the
//! metadata the type stores to get there, piece by kind, and the state's size as JSON; per
//! message, its size, whole states against ops. The faces draw these as gauges.

use super::command::{Setting, SyncMode};
use super::{Command, Lab};
use crate::crdt::Role;
use serde::Serialize;

/// One replica's costs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaStats {
    pub name: String,
    /// Visible elements.
    pub live: usize,
    /// Pieces of metadata stored (elements, tags, tombstones, stamps, counters, clock entries).
    pub metadata: usize,
    /// The same pieces by kind: `("tombstoned tags", 5)`.
    pub pieces: Vec<(String, usize)>,
    /// The replicated state as JSON (what a state message carries), in bytes.
    pub bytes: usize,
    /// The metadata after each command since the last `new`, oldest first (at most
    /// [`HISTORY_POINTS`], evenly sampled, the last always kept).
    pub history: Vec<usize>,
}

/// The longest history `stats` replays to draw the metadata history.
pub const HISTORY_WALK: usize = 20_000;

/// The most points of a replica's metadata history `stats` keeps.
pub const HISTORY_POINTS: usize = 24;

/// One message: sent in the history, or still in flight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageStats {
    pub number: usize,
    pub from: String,
    pub to: String,
    /// `None` for a whole state; for ops, how many it carries.
    pub ops: Option<usize>,
    pub bytes: usize,
}

/// What `stats` answers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub kind: &'static str,
    /// What `send` ships now: `state` or `ops`.
    pub sync: &'static str,
    pub replicas: Vec<ReplicaStats>,
    /// Every message sent in the history in effect, oldest first (since the last `new`).
    pub sent: Vec<MessageStats>,
}

impl Lab {
    /// The lab's costs now.
    pub fn stats(&self) -> Stats {
        let world = self.world();
        let replicas = world.replicas.iter().map(|r| {
            let fields = r.set.describe();
            ReplicaStats {
                name: r.name.to_string(),
                live: r.set.elements().len(),
                metadata: r.set.meta_size(),
                pieces: r
                    .set
                    .metadata()
                    .into_iter()
                    .map(|(kind, n)| (kind.to_string(), n))
                    .collect(),
                bytes: json_bytes(&fields),
                history: vec![],
            }
        });
        let mut replicas: Vec<ReplicaStats> = replicas.collect();
        let histories = self.metadata_history();
        for r in &mut replicas {
            r.history = sampled(histories.get(&r.name).cloned().unwrap_or_default());
        }
        Stats {
            kind: world.kind.word(),
            sync: world.sync.word(),
            replicas,
            sent: self.sent(),
        }
    }

    /// Each replica's metadata after every command since the last `new`, by replica name.
    /// Empty for a history longer than [`HISTORY_WALK`], whose replay would keep a face waiting.
    pub fn metadata_history(&self) -> std::collections::BTreeMap<String, Vec<usize>> {
        let mut out: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        if self.history().len() > HISTORY_WALK {
            return out;
        }
        self.replay(None, |entry, world, result| {
            if entry.command.is_new() && result.is_ok() {
                out.clear();
            }
            for r in &world.replicas {
                out.entry(r.name.to_string())
                    .or_default()
                    .push(r.set.meta_size());
            }
        });
        out
    }

    /// The messages sent since the last `new`, each as state or ops by the sync mode in force.
    fn sent(&self) -> Vec<MessageStats> {
        let mut mode = SyncMode::State;
        let mut out = vec![];
        for entry in self.history().iter().filter(|e| e.refused.is_none()) {
            match &entry.command {
                Command::New { .. } => out.clear(),
                Command::Option {
                    setting: Setting::Sync(m),
                    ..
                } => mode = *m,
                _ => {}
            }
            out.extend(entry.applied.sent.iter().map(|m| MessageStats {
                number: m.number,
                from: m.from.clone(),
                to: m.to.clone(),
                ops: (mode == SyncMode::Ops).then_some(m.ops.len()),
                bytes: m.bytes,
            }));
        }
        out
    }
}

/// The size in bytes of a state's fields as JSON (what a state message carries); derived
/// fields, views of the same state, are left out.
pub fn json_bytes(fields: &[crate::crdt::Field]) -> usize {
    let stored: Vec<_> = fields.iter().filter(|f| f.role != Role::Derived).collect();
    serde_json::to_string(&stored).map_or(0, |j| j.len())
}

/// At most [`HISTORY_POINTS`] of `points`, evenly spaced, the last one always among them.
fn sampled(points: Vec<usize>) -> Vec<usize> {
    let n = points.len();
    if n <= HISTORY_POINTS {
        return points;
    }
    (1..=HISTORY_POINTS)
        .map(|k| points[k * n / HISTORY_POINTS - 1])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::{Edit, Elem, Kind};
    use crate::lab::Which;

    fn run(lab: &mut Lab, commands: &[Command]) {
        for c in commands {
            lab.run(c.clone()).expect("accepted");
        }
    }

    fn cycle(r: &str) -> [Command; 2] {
        let edit = |edit| Command::Edit {
            replica: r.into(),
            edit,
            at: None,
        };
        [
            edit(Edit::Add(Elem::parse("x"))),
            edit(Edit::Remove(Elem::parse("x"))),
        ]
    }

    fn new(kind: Kind) -> Command {
        Command::New {
            kind,
            replicas: vec!["A".into(), "B".into()],
        }
    }

    #[test]
    fn or_set_tombstones_grow_while_the_orswot_clock_stays_one_entry() {
        let (mut orset, mut orswot) = (Lab::new(), Lab::new());
        run(&mut orset, &[new(Kind::OrSet)]);
        run(&mut orswot, &[new(Kind::Orswot)]);
        let mut tombstones = vec![];
        let mut clock = vec![];
        for _ in 0..3 {
            run(&mut orset, &cycle("A"));
            run(&mut orswot, &cycle("A"));
            tombstones.push(orset.stats().replicas[0].metadata);
            clock.push(orswot.stats().replicas[0].metadata);
        }
        assert_eq!(tombstones, vec![1, 2, 3], "one tombstoned tag per cycle");
        let history = &orset.stats().replicas[0].history;
        assert_eq!(
            history,
            &vec![0, 1, 1, 2, 2, 3, 3],
            "a live tag, then a tombstone, per cycle"
        );
        assert_eq!(
            orswot.stats().replicas[0].history,
            vec![0, 2, 1, 2, 1, 2, 1],
            "a dot while live, one clock entry always"
        );
        assert_eq!(sampled((1..=100).collect()).len(), HISTORY_POINTS);
        assert_eq!(sampled((1..=100).collect()).last(), Some(&100));
        assert_eq!(clock, vec![1, 1, 1], "one clock entry, whatever the count");
        assert_eq!(orset.stats().replicas[0].live, 0);
        let grows = orset.stats().replicas[0].bytes > orswot.stats().replicas[0].bytes;
        assert!(grows, "the OR-Set's state is bigger on the wire");
    }

    #[test]
    fn state_messages_grow_while_op_messages_carry_what_is_new() {
        let send = Command::Send {
            from: "A".into(),
            to: "B".into(),
        };
        let deliver = Command::Deliver(Which::All);
        for (mode, grows) in [(SyncMode::State, true), (SyncMode::Ops, false)] {
            let mut lab = Lab::new();
            let option = Command::Option {
                setting: Setting::Sync(mode),
                replicas: vec![],
            };
            run(&mut lab, &[new(Kind::OrSet), option]);
            for _ in 0..3 {
                run(&mut lab, &cycle("A"));
                run(&mut lab, &[send.clone(), deliver.clone()]);
            }
            let sent = lab.stats().sent;
            assert_eq!(sent.len(), 3);
            let (first, last) = (sent[0].bytes, sent[2].bytes);
            assert_eq!(last > first, grows, "{mode:?}: {first} then {last} bytes");
            assert_eq!(sent[2].ops, (mode == SyncMode::Ops).then_some(2));
        }
    }
}
