//! The command language: one line of text becomes an action on a lab, and the lab's answer comes
//! back as data ([`Reply`] or [`Failure`]). [`execute`] is the one door every face (REPL, TUI,
//! lessons, script files) goes through; `render` turns replies into text for the line faces, and
//! `assist` completes and hints lines for the interactive ones.

pub mod assist;
pub mod diagram;
mod expect;
mod fast;
mod file;
pub mod findings;
mod grammar;
pub mod laws;
pub mod literal;
pub mod render;
mod runner;
mod svg;

pub use expect::{Expectation, Literal, Mismatch};
pub use file::{TextError, load, load_text, read_text, save, save_text, write_text};
pub use grammar::{
    Action, Format, Line, MAX_LINE, ParseError, Usage, clock_word, command_table, command_words,
    is_command_word, line, parse, words,
};
pub use runner::{RunError, RunOptions, run_script, run_text};

use crate::crdt::{Elem, Refusal};
pub use crate::lab::closest;
use crate::lab::{Applied, Change, Command, Comparison, Lab, LabView, MessageView};

/// What a line did, as data: each face shows it in its own way.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A blank line or a comment.
    Nothing,
    /// A command was applied: the command, and what it did.
    Changed { command: Command, applied: Applied },
    /// Undo, redo or reset moved along the log.
    Moved(Moved),
    /// `show`: every field of every replica (or of one).
    State { view: LabView, only: Option<String> },
    /// `show #n`: one message in flight, with everything it carries.
    Message(MessageView),
    /// `lookup x`: whether each replica (or one) holds it.
    Lookup {
        elem: Elem,
        answers: Vec<(String, bool)>,
    },
    /// `explain x`: the core's sentence, with its numbers, for each replica (or one).
    Explain {
        elem: Elem,
        answers: Vec<(String, String)>,
    },
    /// `compare`: the same history on every set type.
    Compare(Vec<Comparison>),
    /// `help`: every command, or the one asked about.
    Help(Vec<Usage>),
    /// `save`: how many commands went to the file.
    Saved { path: String, commands: usize },
    /// `load`: how many commands came back.
    Loaded { path: String, commands: usize },
    /// `export`: the file it was written to, or the text when no file was named.
    Exported {
        format: Format,
        text: Option<String>,
        path: Option<String>,
    },
    /// `check`: each law, with a counterexample when one was found.
    Checked(crate::lab::Report),
    /// `explore`: the distinct final states of every delivery order, each with a schedule.
    Explored(crate::lab::Exploration),
    /// `explore --replay k`: the schedule of outcome k, run command by command.
    Replayed {
        outcome: usize,
        steps: Vec<(Command, Applied)>,
        /// What the whole schedule changed, replica by replica.
        changes: Vec<Change>,
    },
    /// `stats`: live entries, metadata and bytes per replica, and the messages sent.
    Stats(crate::lab::Stats),
    /// An expectation held (for `expect refused`, with the rule that refused).
    Passed {
        expectation: Expectation,
        refusal: Option<Refusal>,
    },
}

/// A move along the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub motion: Motion,
    /// The entry undone or redone; `None` when there was nothing to undo or redo.
    pub command: Option<Command>,
    /// What the move changed on each replica.
    pub changes: Vec<Change>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    Undo,
    Redo,
    Reset,
}

/// Why a line did nothing. The lab is unchanged in every case.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The line could not be read.
    #[error("{0}")]
    Unreadable(#[from] ParseError),
    /// A query named a replica there is not.
    #[error("{0}")]
    NoReplica(Refusal),
    /// `show #n` named a message that is not in flight.
    #[error("{0}")]
    NoMessage(Refusal),
    /// The command was refused by a rule.
    #[error("refused '{}': {refusal}", grammar::line(command))]
    Refused { command: Command, refusal: Refusal },
    /// An expectation did not hold.
    #[error("expected {}, found {}", .0.expected, .0.found)]
    Expectation(Mismatch),
    /// `go` in a lab that has no steps: only a lesson has them.
    #[error("go: this lab has no steps; go works in a lesson")]
    NoSteps,
    /// A file could not be read or written.
    #[error("{0}")]
    File(String),
}

/// Read one line and do it.
pub fn execute(lab: &mut Lab, line: &str) -> Result<Reply, Failure> {
    match parse(line)? {
        None => Ok(Reply::Nothing),
        Some(action) => act(lab, action),
    }
}

/// Do one parsed action.
pub fn act(lab: &mut Lab, action: Action) -> Result<Reply, Failure> {
    match action {
        Action::Change(command) => match lab.run(command.clone()) {
            Ok(applied) => Ok(Reply::Changed { command, applied }),
            Err(refusal) => Err(Failure::Refused { command, refusal }),
        },
        Action::Undo => Ok(moved(lab, Motion::Undo)),
        Action::Redo => Ok(moved(lab, Motion::Redo)),
        Action::Reset => Ok(moved(lab, Motion::Reset)),
        Action::Lookup(elem, only) => {
            let answers = each(lab, only.as_deref(), |_, r| r.set.contains(&elem))?;
            Ok(Reply::Lookup { elem, answers })
        }
        Action::Explain(elem, only) => {
            let answers = each(lab, only.as_deref(), |i, _| lab.world().explain(i, &elem))?;
            Ok(Reply::Explain { elem, answers })
        }
        Action::Show(only, layout) => {
            each(lab, only.as_deref(), |_, _| ())?;
            if let Some(name) = &layout {
                check_layout(lab, name)?;
            }
            Ok(Reply::State {
                view: lab.world().view_as(layout.as_deref()),
                only,
            })
        }
        Action::ShowMessage(number) => in_flight(lab, number).map(Reply::Message),
        Action::Compare => Ok(Reply::Compare(lab.compare())),
        Action::Help(command) => Ok(Reply::Help(grammar::help(command.as_deref())?)),
        Action::Go(_) => Err(Failure::NoSteps),
        Action::Save(path) => save(lab, &path).map(|commands| Reply::Saved { path, commands }),
        Action::Load(path) => {
            *lab = load(&path)?;
            let commands = lab.position();
            Ok(Reply::Loaded { path, commands })
        }
        Action::Export(format, path) => {
            let text = file::export(lab, format, path.as_deref())?;
            Ok(Reply::Exported { format, text, path })
        }
        Action::Check { seed, cases } => {
            let setup = crate::lab::Setup::of(lab.world());
            Ok(Reply::Checked(crate::lab::check(&setup, seed, cases)))
        }
        Action::Stats => Ok(Reply::Stats(lab.stats())),
        Action::Explore(faults, None) => match crate::lab::explore(lab.world(), faults) {
            Ok(found) => Ok(Reply::Explored(found)),
            Err(refusal) => Err(Failure::NoMessage(refusal)),
        },
        Action::Explore(faults, Some(k)) => replay(lab, faults, k),
        Action::Expect(expectation) => match expectation.check(lab) {
            Ok(refusal) => Ok(Reply::Passed {
                expectation,
                refusal,
            }),
            Err(mismatch) => Err(Failure::Expectation(mismatch)),
        },
    }
}

/// `explore --replay k`: run outcome k's schedule, each delivery (or duplicate) as its own
/// command, so undo steps back through it. The messages the outcome loses stay in flight.
fn replay(lab: &mut Lab, faults: crate::lab::Faults, k: usize) -> Result<Reply, Failure> {
    let found = crate::lab::explore(lab.world(), faults).map_err(Failure::NoMessage)?;
    let n = found.endings.len();
    let ending = found.endings.get(k - 1).ok_or_else(|| {
        Failure::NoMessage(Refusal::new(format!(
            "there is no outcome {k}: explore found {n}"
        )))
    })?;
    let mut steps = vec![];
    let from = lab.position();
    for command in ending.commands() {
        match lab.run(command.clone()) {
            Ok(applied) => steps.push((command, applied)),
            Err(refusal) => return Err(Failure::Refused { command, refusal }),
        }
    }
    let changes = lab.changes_between(from, lab.position());
    Ok(Reply::Replayed {
        outcome: k,
        steps,
        changes,
    })
}

/// Undo, redo or reset, with what the move changed.
fn moved(lab: &mut Lab, motion: Motion) -> Reply {
    let from = lab.position();
    let command = match motion {
        Motion::Undo => lab.undo().map(|e| e.command.clone()),
        Motion::Redo => lab.redo().map(|e| e.command.clone()),
        Motion::Reset => {
            lab.reset();
            None
        }
    };
    Reply::Moved(Moved {
        motion,
        command,
        changes: lab.changes_between(from, lab.position()),
    })
}

/// A layout the lab's type has, or a failure that lists those it has.
fn check_layout(lab: &Lab, name: &str) -> Result<(), Failure> {
    let world = lab.world();
    let layouts = world
        .replicas
        .first()
        .map(|r| r.set.layouts())
        .unwrap_or_default();
    if layouts.contains(&name) {
        return Ok(());
    }
    let title = world.kind.title();
    Err(Failure::Unreadable(ParseError::new(match layouts {
        [] => format!("a {title} has one layout only, so there is no '{name}' to show"),
        _ => format!(
            "a {title} has no layout '{name}'; its layouts: {}",
            layouts.join(", ")
        ),
    })))
}

/// Message `number` as it is on the wire, or a failure that says what is in flight.
fn in_flight(lab: &Lab, number: usize) -> Result<MessageView, Failure> {
    let wire = lab.view().wire;
    let numbers: Vec<String> = wire.iter().map(|m| format!("#{}", m.number)).collect();
    let found = wire.into_iter().find(|m| m.number == number);
    found.ok_or_else(|| {
        let now = match numbers.is_empty() {
            true => "nothing is in flight".to_string(),
            false => format!("in flight: {}", numbers.join(" ")),
        };
        Failure::NoMessage(Refusal::new(format!(
            "no message #{number} is in flight ({now})"
        )))
    })
}

/// `f` of each replica, or of the one named (a name there is not is a failure).
fn each<T>(
    lab: &Lab,
    only: Option<&str>,
    f: impl Fn(usize, &crate::lab::Replica) -> T,
) -> Result<Vec<(String, T)>, Failure> {
    let world = lab.world();
    if let Some(name) = only {
        let i = world.find(name).map_err(Failure::NoReplica)?;
        return Ok(vec![(name.to_string(), f(i, &world.replicas[i]))]);
    }
    Ok(world
        .replicas
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.to_string(), f(i, r)))
        .collect())
}

#[cfg(test)]
mod tests;
