//! The timeline's model: a space-time diagram of the history, replicas as columns and events as
//! rows, with merges, syncs, sends and deliveries as arrows. It is read off the log as it was
//! recorded (what each `deliver` handed over, which groups a `sync` brought together), so
//! nothing is replayed; faces only draw it.

use super::{Command, Entry, Lab};
use crate::crdt::Edit;
use serde::Serialize;

/// What a row draws across the replica columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Mark {
    /// An add (or a remove) on one replica.
    Edit { at: usize, remove: bool },
    /// `into merge from`: an arrow from one column to another.
    Merge { from: usize, into: usize },
    /// `sync a b`: arrows both ways.
    Sync { a: usize, b: usize },
    /// A bare `sync`: the replicas of one side of the network met.
    Group(Vec<usize>),
    /// A message leaves `from` for `to` (a `duplicate` is a second copy of one).
    Send {
        from: usize,
        to: usize,
        duplicate: bool,
    },
    /// A message from `from` arrives at `to`.
    Deliver { from: usize, to: usize },
    /// A refused command on a replica (or none).
    Refused(Option<usize>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum TimelineRow {
    /// A numbered entry of the history.
    Event {
        number: usize,
        marks: Vec<Mark>,
        text: String,
    },
    /// A line across every column: a new lab, a partition, a heal, a step of a lesson.
    Rule {
        number: usize,
        text: String,
        step: bool,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub replicas: Vec<String>,
    pub rows: Vec<TimelineRow>,
}

impl Lab {
    /// The timeline of the history in effect.
    pub fn timeline(&self) -> Timeline {
        let replicas = self.world().names();
        let col = |name: &str| replicas.iter().position(|r| r == name);
        let rows = self
            .history()
            .iter()
            .enumerate()
            .map(|(k, entry)| row(k + 1, entry, &col))
            .collect();
        Timeline { replicas, rows }
    }
}

fn row(number: usize, entry: &Entry, col: &dyn Fn(&str) -> Option<usize>) -> TimelineRow {
    let mut text = entry.command.to_string();
    if let Some(refusal) = &entry.refused {
        let at = subject(&entry.command).and_then(col);
        return TimelineRow::Event {
            number,
            marks: vec![Mark::Refused(at)],
            text: format!("{text}  refused: {refusal}"),
        };
    }
    let rule = |text: String, step| TimelineRow::Rule { number, text, step };
    let applied = &entry.applied;
    let marks: Vec<Mark> = match &entry.command {
        Command::New { .. }
        | Command::Partition(_)
        | Command::Heal
        | Command::Cut(..)
        | Command::Link(..)
        | Command::Gc => return rule(text, false),
        Command::Step(title) => return rule(title.clone(), true),
        Command::Edit { replica, edit, .. } => col(replica)
            .map(|at| Mark::Edit {
                at,
                remove: matches!(edit, Edit::Remove(_)),
            })
            .into_iter()
            .collect(),
        Command::Set {
            replica, removed, ..
        } => col(replica)
            .map(|at| Mark::Edit {
                at,
                remove: *removed,
            })
            .into_iter()
            .collect(),
        Command::Merge { into, from } => pair(col(from), col(into))
            .map(|(from, into)| Mark::Merge { from, into })
            .into_iter()
            .collect(),
        Command::Sync(Some((a, b))) => pair(col(a), col(b))
            .map(|(a, b)| Mark::Sync { a, b })
            .into_iter()
            .collect(),
        Command::Sync(None) => applied
            .met
            .iter()
            .map(|g| Mark::Group(g.iter().filter_map(|n| col(n)).collect()))
            .collect(),
        Command::Send { .. } | Command::Duplicate(_) => {
            let duplicate = matches!(entry.command, Command::Duplicate(_));
            applied
                .sent
                .iter()
                .filter_map(|m| pair(col(&m.from), col(&m.to)))
                .map(|(from, to)| Mark::Send {
                    from,
                    to,
                    duplicate,
                })
                .collect()
        }
        Command::Deliver(_) => {
            let said: Vec<String> = applied
                .deliveries
                .iter()
                .map(|d| format!("#{} {} → {}", d.number, d.from, d.to))
                .collect();
            text = format!("{text}  ({})", said.join(", "));
            applied
                .deliveries
                .iter()
                .filter_map(|d| pair(col(&d.from), col(&d.to)))
                .map(|(from, to)| Mark::Deliver { from, to })
                .collect()
        }
        _ => vec![],
    };
    TimelineRow::Event {
        number,
        marks,
        text,
    }
}

/// The replica a command is about, for marking a refusal in its column.
fn subject(command: &Command) -> Option<&str> {
    match command {
        Command::Edit { replica, .. }
        | Command::Set { replica, .. }
        | Command::Skew { replica, .. } => Some(replica),
        Command::Merge { into, .. } => Some(into),
        Command::Send { from, .. } => Some(from),
        _ => None,
    }
}

fn pair(a: Option<usize>, b: Option<usize>) -> Option<(usize, usize)> {
    Some((a?, b?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::{Elem, Kind};
    use crate::lab::Which;

    fn lab(commands: Vec<Command>) -> Lab {
        let mut lab = Lab::new();
        for c in commands {
            let _ = lab.run(c);
        }
        lab
    }

    fn add(r: &str, e: &str) -> Command {
        Command::Edit {
            replica: r.into(),
            edit: Edit::Add(Elem::parse(e)),
            at: None,
        }
    }

    fn abc() -> Command {
        Command::New {
            kind: Kind::OrSet,
            replicas: vec!["A".into(), "B".into(), "C".into()],
        }
    }

    #[test]
    fn a_delivery_is_drawn_from_its_sender_even_when_sent_long_before() {
        let send = Command::Send {
            from: "A".into(),
            to: "C".into(),
        };
        let t = lab(vec![
            abc(),
            send,
            add("B", "x"),
            Command::Deliver(Which::Oldest),
        ])
        .timeline();
        assert_eq!(
            t.rows[3],
            TimelineRow::Event {
                number: 4,
                marks: vec![Mark::Deliver { from: 0, to: 2 }],
                text: "deliver  (#1 A → C)".into()
            }
        );
    }

    #[test]
    fn a_bare_sync_marks_only_the_sides_that_met() {
        let cut = Command::Partition(vec![vec!["A".into(), "B".into()], vec!["C".into()]]);
        let t = lab(vec![abc(), cut, Command::Sync(None)]).timeline();
        assert!(
            matches!(&t.rows[1], TimelineRow::Rule { text, .. } if text == "partition A B | C")
        );
        let TimelineRow::Event { marks, .. } = &t.rows[2] else {
            panic!("{:?}", t.rows[2])
        };
        assert_eq!(marks, &[Mark::Group(vec![0, 1])], "C, alone, met nobody");
    }

    #[test]
    fn a_duplicate_is_drawn_as_a_second_send_and_refusals_are_marked() {
        let send = Command::Send {
            from: "A".into(),
            to: "B".into(),
        };
        let t = lab(vec![send, Command::Duplicate(1), add("C", "y")]).timeline();
        let TimelineRow::Event { marks, .. } = &t.rows[1] else {
            panic!("{:?}", t.rows[1])
        };
        assert_eq!(
            marks,
            &[Mark::Send {
                from: 0,
                to: 1,
                duplicate: true
            }]
        );
        let TimelineRow::Event { marks, text, .. } = &t.rows[2] else {
            panic!("{:?}", t.rows[2])
        };
        assert_eq!(marks, &[Mark::Refused(None)]);
        assert!(text.contains("refused: there is no replica C"), "{text}");
    }
}
