//! A failure's story as a `.crdt` script for `crdt-lab run`: the same steps in the lab, each read written as an `expect` of what the lab (and so a correct node) reads there.

use super::model::Model;
use super::shrink::Shrunk;
use super::verdict::{Failure, set_text};
use super::workload::{Net, Step, single_names};
use crate::crdt::Elem;
use crate::lab::Lab;
use crate::node::{NodeType, Protocol};
use crate::script::execute;
use std::collections::BTreeSet;

/// A script being written, with a lab that runs each line as it is added.
pub struct Story {
    lab: Lab,
    lines: Vec<String>,
    /// Whether the lab's network is cut now.
    partitioned: bool,
}

impl Story {
    pub fn new(kind: NodeType, names: &[String], header: &[String]) -> Story {
        let mut story = Story {
            lab: Lab::new(),
            lines: Vec::new(),
            partitioned: false,
        };
        header.iter().for_each(|h| story.comment(h));
        story.command(format!("new {} {}", kind.word(), names.join(" ")));
        story
    }

    /// A comment, one `#` line per line of text.
    pub fn comment(&mut self, text: &str) {
        for line in text.lines() {
            self.lines
                .push(format!("# {}", line.trim_end()).trim_end().to_string());
        }
    }

    /// A command, run in the lab; one the lab refuses is written as `expect refused`.
    pub fn command(&mut self, line: String) {
        if line == "heal" || line.starts_with("partition ") {
            self.partitioned = line != "heal";
        }
        match execute(&mut self.lab, &line) {
            Ok(_) => self.lines.push(line),
            Err(_) => self.lines.push(format!("expect refused {line}")),
        }
    }

    /// A command that need not be kept when it changes nothing: whether it changed `replica`.
    fn changes(&mut self, line: String, replica: &str) -> bool {
        let before = self.snapshot(replica);
        self.command(line);
        before != self.snapshot(replica)
    }

    fn snapshot(&self, replica: &str) -> Option<(Vec<crate::crdt::Field>, u64)> {
        let r = self.lab.world().replica(replica).ok()?;
        Some((r.set.describe(), r.lamport))
    }

    /// Whether `replica` has `elem` in the lab now, as an expectation.
    fn expect_has(&mut self, replica: &str, elem: &Elem) {
        let has = self
            .lab
            .world()
            .replica(replica)
            .is_ok_and(|r| r.set.contains(elem));
        let verb = if has { "has" } else { "lacks" };
        self.lines.push(format!("expect {replica} {verb} {elem}"));
    }

    /// What `replica` reads in the lab now, as an expectation.
    pub fn expect_read(&mut self, replica: &str) {
        let Ok(r) = self.lab.world().replica(replica) else {
            return;
        };
        let elems = r.set.elements();
        self.lines
            .push(format!("expect {replica} = {}", set_text(&elems)));
    }

    pub fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

/// The story of a single-node failure: the shrunk steps, n1 being the learner's node.
pub fn single(kind: NodeType, shrunk: &Shrunk, title: &str) -> String {
    let names = single_names();
    let header = header(
        title,
        &shrunk.failure,
        "n1 is your node; n2 and n3 are the replicas the grader played.",
    );
    let mut story = Story::new(kind, &names, &header);
    let mut model = Model::new(kind, Protocol::Course, &names);
    let last = shrunk.steps.len().saturating_sub(1);
    for (k, step) in shrunk.steps.iter().enumerate() {
        if !model.apply(step) && !matches!(step, Step::Read(0)) {
            continue;
        }
        if k == last {
            story.comment(&format!(
                "Here your node went wrong: {}",
                shrunk.failure.detail
            ));
        }
        let name = |r: &usize| names[*r].clone();
        match step {
            Step::Add(r, e) => story.command(format!("{} add {e}", name(r))),
            Step::Remove(r, e) => story.command(format!("{} remove {e}", name(r))),
            Step::Merge { into, from } => {
                story.command(format!("{} merge {}", name(into), name(from)))
            }
            Step::Read(r) => story.expect_read(&name(r)),
        }
    }
    story.text()
}

/// The opening comment of a story.
pub fn header(title: &str, failure: &Failure, who: &str) -> Vec<String> {
    vec![
        format!("crdt-lab grade: {title}"),
        format!("{}: {}", failure.check.name(), failure.rule),
        who.to_string(),
        "Each expect is what the lab, and so a correct node, reads at that point.".to_string(),
        "Line numbers in the comments are those of the grade's report.".to_string(),
    ]
}

/// What happened in a cluster run, in order, for its story.
#[derive(Clone, Debug)]
pub enum Event {
    /// An acknowledged add or remove.
    Op {
        node: usize,
        add: bool,
        elem: Elem,
    },
    /// A merge message one node sent another, that the router let through.
    Sent {
        flight: u64,
        from: usize,
        to: usize,
    },
    Delivered {
        flight: u64,
    },
    Net(Net),
    /// A read's reply, by transcript line.
    Read {
        node: usize,
        line: usize,
    },
}

/// The story of a cluster failure about `elems`: their adds and removes, the network's changes,
/// and the messages that changed a node's state, as `send` and `deliver`; then the heal and the
/// sync that gossip should bring.
pub fn cluster(
    kind: NodeType,
    names: &[String],
    events: &[Event],
    failure: &Failure,
    at_end: bool,
    title: &str,
) -> String {
    let elems = &failure.elems;
    let mut scratch = Story::new(kind, names, &[]);
    let relevant = replay_into(&mut scratch, names, events, elems, None);
    let header = header(
        title,
        failure,
        "n1, n2, ... are your nodes. A message between them is a send, then a deliver.",
    );
    let mut story = Story::new(kind, names, &header);
    replay_into(
        &mut story,
        names,
        events,
        elems,
        Some((&relevant, failure, at_end)),
    );
    if story.partitioned {
        story.command("heal".into());
    }
    story.comment("After the heal, gossip brings every node every other node's state:");
    story.command("sync".into());
    story.lines.push("expect converged".into());
    for e in elems {
        story.expect_has(&names[0], e);
    }
    story.text()
}

/// Play the events into `story`. With `keep`, only the flights in it are written, and the
/// failing read (by line) gets an expectation. Returns the flights whose delivery changed a node.
fn replay_into(
    story: &mut Story,
    names: &[String],
    events: &[Event],
    elems: &[Elem],
    keep: Option<(&BTreeSet<u64>, &Failure, bool)>,
) -> BTreeSet<u64> {
    let mut wire: Vec<u64> = Vec::new();
    let mut changed = BTreeSet::new();
    let kept = |flight: &u64| keep.is_none_or(|(set, _, _)| set.contains(flight));
    for event in events {
        match event {
            Event::Op { node, add, elem } if elems.contains(elem) => {
                let verb = if *add { "add" } else { "remove" };
                story.command(format!("{} {verb} {elem}", names[*node]));
            }
            Event::Op { .. } => {}
            Event::Net(net) => {
                if story.partitioned {
                    story.command("heal".into());
                }
                if let Some(groups) = &net.groups {
                    let sides: Vec<String> = groups
                        .iter()
                        .map(|g| {
                            g.iter()
                                .map(|&n| names[n].clone())
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect();
                    story.command(format!("partition {}", sides.join(" | ")));
                }
            }
            Event::Sent { flight, from, to } if kept(flight) => {
                story.command(format!("send {} {}", names[*from], names[*to]));
                wire.push(*flight);
            }
            Event::Sent { .. } => {}
            Event::Delivered { flight } => {
                let Some(k) = wire.iter().position(|f| f == flight) else {
                    continue;
                };
                wire.remove(k);
                let to = events.iter().find_map(|e| match e {
                    Event::Sent { flight: f, to, .. } if f == flight => Some(*to),
                    _ => None,
                });
                let Some(to) = to else { continue };
                if story.changes(format!("deliver {}", k + 1), &names[to]) {
                    changed.insert(*flight);
                }
            }
            Event::Read { node, line } => {
                if let Some((_, failure, at_end)) = keep
                    && failure.line == Some(*line)
                {
                    story.comment(&format!("Here your node went wrong: {}", failure.detail));
                    elems
                        .iter()
                        .for_each(|e| story.expect_has(&names[*node], e));
                    if !at_end {
                        break;
                    }
                }
            }
        }
    }
    changed
}
