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
        if self.line == 0 {
            return write!(f, "{}", self.failure);
        }
        write!(
            f,
            "{}:{}: {}\n  {}",
            self.file,
            self.line,
            self.text.trim(),
            self.failure
        )
    }
}

impl std::error::Error for RunError {}

/// Run a script file on a fresh lab. Returns how many expectations passed.
pub fn run_script(
    path: &str,
    options: RunOptions,
    out: &mut impl Write,
) -> Result<usize, RunError> {
    let text = std::fs::read_to_string(path).map_err(|e| RunError {
        file: path.to_string(),
        line: 0,
        text: String::new(),
        failure: Box::new(Failure::File(format!("cannot read {path}: {e}"))),
    })?;
    run_text(path, &text, &mut Lab::new(), options, out)
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
        let result = execute(lab, line);
        if !options.quiet && !line.trim().is_empty() {
            let _ = writeln!(out, "> {}", line.trim_end());
        }
        match result {
            Ok(reply) => {
                passed += usize::from(matches!(reply, Reply::Passed { .. }));
                if options.quiet {
                    continue;
                }
                let shown = render::reply(lab, &reply, Style::Transcript);
                if !shown.is_empty() {
                    let _ = writeln!(out, "{shown}");
                }
            }
            Err(failure) => {
                return Err(RunError {
                    file: file.to_string(),
                    line: k + 1,
                    text: line.to_string(),
                    failure: Box::new(failure),
                });
            }
        }
    }
    Ok(passed)
}
