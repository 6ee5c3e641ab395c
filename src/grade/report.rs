//! The report: pass or fail for each check, and for each failure its rule, what happened, and the shortest message history that shows it.

use super::verdict::{Check, Failure, Line};
use std::fmt::Write;

/// How one check came out.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Pass,
    Fail,
    /// The check does not apply to this run, and why.
    NotApplicable(String),
    /// The check could not be made, and why.
    NotMade(String),
}

/// One failure with the history that shows it.
#[derive(Clone, Debug)]
pub struct Section {
    pub failure: Failure,
    /// The lines, each with its number (from 0) in the run it comes from.
    pub history: Vec<(usize, Line)>,
    /// Where the history comes from ("shrunk from 412 lines in 9 runs").
    pub source: String,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub title: String,
    pub command: String,
    pub checks: Vec<(Check, Status)>,
    pub sections: Vec<Section>,
    /// What happened to `--save`.
    pub saved: Option<String>,
    /// A last word on the run (where it stopped, how long it took).
    pub notes: Vec<String>,
}

/// Each check's status: `Fail` when a section is about it, else what `otherwise` says.
pub fn statuses(sections: &[Section], otherwise: impl Fn(Check) -> Status) -> Vec<(Check, Status)> {
    let failed = |check| sections.iter().any(|s| s.failure.check == check);
    let status = |check| {
        if failed(check) {
            Status::Fail
        } else {
            otherwise(check)
        }
    };
    Check::ALL
        .iter()
        .map(|&check| (check, status(check)))
        .collect()
}

impl Report {
    pub fn passed(&self) -> bool {
        self.checks
            .iter()
            .all(|(_, s)| !matches!(s, Status::Fail | Status::NotMade(_)))
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "crdt-lab grade: {}", self.title);
        let _ = writeln!(out, "node: {}\n", self.command);
        for (check, status) in &self.checks {
            let (word, text) = match status {
                Status::Pass => ("pass", check.about().to_string()),
                Status::Fail => {
                    let rule = self.sections.iter().find(|s| s.failure.check == *check);
                    (
                        "FAIL",
                        rule.map_or(String::new(), |s| s.failure.rule.clone()),
                    )
                }
                Status::NotApplicable(why) => ("-", why.clone()),
                Status::NotMade(why) => ("not made", why.clone()),
            };
            let _ = writeln!(out, "  {:<12} {word:<9}{text}", check.name());
        }
        for section in &self.sections {
            out.push('\n');
            section.render(&mut out);
        }
        if !self.notes.is_empty() {
            out.push('\n');
            self.notes.iter().for_each(|n| {
                let _ = writeln!(out, "{n}");
            });
        }
        if let Some(saved) = &self.saved {
            let _ = writeln!(out, "\n{saved}");
        }
        let failed = self
            .checks
            .iter()
            .filter(|(_, s)| !matches!(s, Status::Pass | Status::NotApplicable(_)))
            .count();
        let made = self
            .checks
            .iter()
            .filter(|(_, s)| !matches!(s, Status::NotApplicable(_)))
            .count();
        let _ = match failed {
            0 => writeln!(out, "\nPASS: all {made} checks passed."),
            n => writeln!(out, "\nFAIL: {n} of {made} checks failed."),
        };
        out
    }
}

impl Section {
    fn render(&self, out: &mut String) {
        let f = &self.failure;
        let _ = writeln!(out, "{} FAILED: {}", f.check.name(), f.rule);
        let _ = writeln!(out, "  {}", f.detail);
        if self.history.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "  The shortest message history that shows it ({} lines; {}):",
            self.history.len(),
            self.source
        );
        let last = self.history.last().map_or(0, |(k, _)| k + 1);
        let width = last.to_string().len();
        for (k, line) in &self.history {
            let mark = if Some(*k) == f.line { "*" } else { " " };
            let _ = writeln!(out, "  {mark}{:>width$} {line}", k + 1);
        }
    }
}
