//! The command language: one line of text becomes an action on a lab. [`execute`] is the one
//! door every face (REPL, TUI, lessons, script files) goes through.

mod expect;
mod file;
mod grammar;
pub mod render;
mod runner;

pub use expect::{Expectation, Mismatch};
pub use file::{load, save};
pub use grammar::{Action, Format, Line, clock_word, command_table, command_words, is_command_word, parse, words};
pub use runner::{RunError, RunOptions, run_script, run_text};

use crate::lab::{Applied, Lab};
use std::fmt;

/// What a line did, for a face to show.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A blank line or a comment.
    Nothing,
    /// A command was applied.
    Changed { command: String, applied: Applied },
    /// Undo, redo or reset moved along the log.
    Moved(String),
    /// Output of a query (show, explain, compare, help, export ...).
    Text(String),
    /// An expectation held.
    Passed(String),
}

/// Why a line did nothing. The lab is unchanged in every case.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The line could not be read.
    Unreadable(String),
    /// The command was refused by a rule.
    Refused { command: String, rule: String },
    /// An expectation did not hold.
    Expectation(Mismatch),
    /// A file could not be read or written.
    File(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unreadable(why) => write!(f, "{why}"),
            Failure::Refused { command, rule } => write!(f, "refused '{command}': {rule}"),
            Failure::Expectation(m) => write!(f, "expected {}, found {}", m.expected, m.found),
            Failure::File(why) => write!(f, "{why}"),
        }
    }
}

/// Read one line and do it.
pub fn execute(lab: &mut Lab, line: &str) -> Result<Reply, Failure> {
    match parse(line).map_err(Failure::Unreadable)? {
        None => Ok(Reply::Nothing),
        Some(action) => act(lab, action),
    }
}

/// Do one parsed action.
pub fn act(lab: &mut Lab, action: Action) -> Result<Reply, Failure> {
    let view = |lab: &Lab, r: &Option<String>| check_replica(lab, r.as_deref());
    match action {
        Action::Change(command) => {
            let text = command.to_string();
            match lab.run(command) {
                Ok(applied) => Ok(Reply::Changed { command: text, applied }),
                Err(refusal) => Err(Failure::Refused { command: text, rule: refusal.rule }),
            }
        }
        Action::Undo => Ok(moved("undid", lab.undo().map(|e| e.command.to_string()))),
        Action::Redo => Ok(moved("redid", lab.redo().map(|e| e.command.to_string()))),
        Action::Reset => {
            lab.reset();
            Ok(Reply::Moved("reset to a fresh lab (redo brings the history back)".into()))
        }
        Action::Lookup(elem, r) => view(lab, &r).map(|_| Reply::Text(render::lookup(lab, &elem, r.as_deref()))),
        Action::Show(r) => view(lab, &r).map(|_| Reply::Text(render::state_table(&lab.view(), r.as_deref()))),
        Action::Explain(elem, r) => view(lab, &r).map(|_| Reply::Text(render::explain(lab, &elem, r.as_deref()))),
        Action::Compare => Ok(Reply::Text(render::compare_table(&lab.compare()))),
        Action::Help(command) => render::help(command.as_deref()).map(Reply::Text).map_err(Failure::Unreadable),
        Action::Save(path) => save(lab, &path).map(|n| Reply::Text(format!("saved {n} commands to {path}"))),
        Action::Load(path) => {
            *lab = load(&path)?;
            Ok(Reply::Text(format!("loaded {path}: {} commands", lab.position())))
        }
        Action::Export(format, path) => file::export(lab, format, path.as_deref()).map(Reply::Text),
        Action::Expect(expectation) => match expectation.check(lab) {
            Ok(()) => Ok(Reply::Passed(passed(lab, &expectation))),
            Err(mismatch) => Err(Failure::Expectation(mismatch)),
        },
    }
}

fn moved(verb: &str, what: Option<String>) -> Reply {
    match what {
        Some(command) => Reply::Moved(format!("{verb} {command}")),
        None => Reply::Moved(format!("nothing to {}", verb.trim_end_matches('d').trim_end_matches('i'))),
    }
}

fn check_replica(lab: &Lab, replica: Option<&str>) -> Result<(), Failure> {
    match replica {
        Some(name) => lab.world().find(name).map(|_| ()).map_err(|r| Failure::Unreadable(r.rule)),
        None => Ok(()),
    }
}

/// What a passed expectation says; a refusal also names the rule that refused.
fn passed(lab: &Lab, e: &Expectation) -> String {
    let rule = lab.history().last().and_then(|entry| entry.refused.as_ref());
    match (e, rule) {
        (Expectation::Refused(_), Some(refusal)) => format!("{}: {refusal}", describe_expectation(e)),
        _ => describe_expectation(e),
    }
}

fn describe_expectation(e: &Expectation) -> String {
    match e {
        Expectation::Converged(true) => "converged".into(),
        Expectation::Converged(false) => "diverged".into(),
        Expectation::Has { replica, elem, present: true } => format!("{replica} has {elem}"),
        Expectation::Has { replica, elem, present: false } => format!("{replica} lacks {elem}"),
        Expectation::Equals { replica, field: Some(f), value } => format!("{replica}.{f} = {value}"),
        Expectation::Equals { replica, field: None, value } => format!("{replica} = {value}"),
        Expectation::Refused(command) => format!("'{command}' is refused"),
    }
}

/// The closest of `candidates` to a mistyped `word`, if any is close enough to suggest.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2 && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests;
