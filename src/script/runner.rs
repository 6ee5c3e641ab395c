//! Script files: `.crdt` lines run one by one through [`execute`], printing a transcript. The
//! first failed expectation or unexpected refusal stops the run and names file:line.

use super::render::{self, Style};
use super::{Failure, Reply, execute};
use crate::lab::Lab;
use std::fmt;
use std::io::Write;

#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Print only failures.
    pub quiet: bool,
}

/// Where a script stopped, and why. `line` 0 means the file itself (it could not be read).
#[derive(Clone, Debug, PartialEq)]
pub struct RunError {
    pub file: String,
    pub line: usize,
    pub text: String,
    pub failure: Box<Failure>,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failure = self.failure.to_string();
        let failure = render::escape_lines(&failure);
        match (self.line, self.text.trim()) {
            (0, _) => write!(f, "{failure}"),
            (line, "") => write!(f, "{}:{line}: {failure}", self.file),
            (line, text) => {
                let at = format!("{}:{line}: {text}", self.file);
                write!(f, "{}\n  {failure}", render::escape(&at))
            }
        }
    }
}

impl std::error::Error for RunError {}

/// Run a script file on a fresh lab. Returns how many expectations passed.
pub fn run_script(
    path: &str,
    options: RunOptions,
    out: &mut impl Write,
) -> Result<usize, RunError> {
    let text = super::read_text(path).map_err(|e| RunError {
        file: path.to_string(),
        line: e.line(),
        text: String::new(),
        failure: Box::new(Failure::File(format!("cannot read {path}: {e}"))),
    })?;
    // A quiet run shows no change, so none is worked out (an export works them out again).
    let mut lab = Lab::new();
    lab.set_recording(!options.quiet);
    run_text(path, &text, &mut lab, options, out)
}

/// Run the lines of `text` (named `file` in messages) on `lab`, writing a transcript to `out`.
pub fn run_text(
    file: &str,
    text: &str,
    lab: &mut Lab,
    options: RunOptions,
    out: &mut impl Write,
) -> Result<usize, RunError> {
    let mut passed = 0;
    for (k, line) in text.lines().enumerate() {
        let stop = |failure: Failure| RunError {
            file: file.to_string(),
            line: k + 1,
            text: line.to_string(),
            failure: Box::new(failure),
        };
        let unwritten = |e: std::io::Error| stop(Failure::File(format!("cannot write: {e}")));
        let result = execute(lab, line);
        if !options.quiet && !line.trim().is_empty() {
            let echo = format!("> {}", line.trim_end());
            writeln!(out, "{}", render::escape_lines(&echo)).map_err(unwritten)?;
        }
        let reply = result.map_err(stop)?;
        passed += usize::from(matches!(reply, Reply::Passed { .. }));
        if options.quiet {
            continue;
        }
        let shown = render::reply(lab, &reply, Style::Transcript);
        if !shown.is_empty() {
            writeln!(out, "{shown}").map_err(unwritten)?;
        }
    }
    Ok(passed)
}
