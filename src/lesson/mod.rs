//! Lessons: Markdown files turned into steps, narration, commands and questions, and a
//! [`Player`] that walks a lab through them. No terminal code lives here; faces call the player.
//!
//! A lesson's `#` heading is its title and each `##` section is a step. Prose is narration,
//! ```` ```crdt ```` blocks hold commands and expectations, and an ```` ```ask ```` block holds a
//! question whose choices are a checklist (`- [x]` marks the right one). Blocks before the first
//! step are the setup, run when the lesson opens. A question is posed at the end of the step
//! that holds it, after that step's commands ran and before the next step reveals the result.

mod headless;
mod parse;
mod player;

pub use headless::{Summary, count, play_headless, reply_text};
pub use parse::parse;
pub use player::{Answered, PlayError, Player, StepReport};

use std::fmt;

/// A parsed lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The file stem, e.g. `orset-add-wins`.
    pub name: String,
    pub title: String,
    pub steps: Vec<Step>,
    /// The prose between the title and the first step (shown before step 1).
    pub intro: String,
    /// Commands before the first step: they set the lab up when the lesson opens.
    pub setup: Vec<(usize, String)>,
    /// Where the lesson was read from, for messages.
    pub file: String,
}

/// One `##` section.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: String,
    /// The step's Markdown prose, without its heading and blocks.
    pub narration: String,
    /// Each command with its line in the file.
    pub commands: Vec<(usize, String)>,
    pub question: Option<Question>,
    /// The line of the step's heading.
    pub line: usize,
}

/// A question with a checklist of choices.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub prompt: String,
    pub choices: Vec<String>,
    /// The right choice, 0-based.
    pub answer: usize,
    pub explanation: String,
}

/// Why a lesson file was refused: `file:line: message`.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for LessonError {}

impl Lesson {
    /// How many steps hold a question.
    pub fn question_count(&self) -> usize {
        self.steps.iter().filter(|s| s.question.is_some()).count()
    }
}

/// The shipped lessons, in curriculum order: (file stem, text).
const BUILTIN: &[(&str, &str)] = &[
    (
        "gset-apple-banana",
        include_str!("../../lessons/gset-apple-banana.md"),
    ),
    (
        "naive-zombie",
        include_str!("../../lessons/naive-zombie.md"),
    ),
    (
        "2pset-remove-wins",
        include_str!("../../lessons/2pset-remove-wins.md"),
    ),
    (
        "2pset-bob-never-returns",
        include_str!("../../lessons/2pset-bob-never-returns.md"),
    ),
    (
        "2pset-lattice",
        include_str!("../../lessons/2pset-lattice.md"),
    ),
    (
        "lww-clock-decides",
        include_str!("../../lessons/lww-clock-decides.md"),
    ),
    (
        "lww-tiebreak",
        include_str!("../../lessons/lww-tiebreak.md"),
    ),
    (
        "lww-clock-skew",
        include_str!("../../lessons/lww-clock-skew.md"),
    ),
    (
        "orset-add-wins",
        include_str!("../../lessons/orset-add-wins.md"),
    ),
    ("orset-readd", include_str!("../../lessons/orset-readd.md")),
    (
        "one-story-four-answers",
        include_str!("../../lessons/one-story-four-answers.md"),
    ),
    (
        "orswot-no-tombstones",
        include_str!("../../lessons/orswot-no-tombstones.md"),
    ),
    (
        "pnset-negative",
        include_str!("../../lessons/pnset-negative.md"),
    ),
    (
        "partitions-in-flight",
        include_str!("../../lessons/partitions-in-flight.md"),
    ),
];

/// The lessons that ship inside the binary, in curriculum order.
pub fn builtin() -> Vec<Lesson> {
    BUILTIN
        .iter()
        .filter_map(|(name, text)| parse(&format!("lessons/{name}.md"), text).ok())
        .collect()
}

/// A builtin lesson by name or number (from 1), or a path to any `.md` file.
pub fn find(name_or_path: &str) -> Result<Lesson, String> {
    let path = std::path::Path::new(name_or_path);
    if name_or_path.ends_with(".md") || path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {name_or_path}: {e}"))?;
        return parse(name_or_path, &text).map_err(|e| e.to_string());
    }
    let lessons = builtin();
    if let Ok(n) = name_or_path.parse::<usize>() {
        let count = lessons.len();
        return n
            .checked_sub(1)
            .and_then(|k| lessons.into_iter().nth(k))
            .ok_or_else(|| {
                format!("there is no lesson {n}; the lessons are numbered 1 to {count}")
            });
    }
    let names: Vec<String> = lessons.iter().map(|l| l.name.clone()).collect();
    if let Some(lesson) = lessons.into_iter().find(|l| l.name == name_or_path) {
        return Ok(lesson);
    }
    let hint = crate::script::closest(name_or_path, names.iter().map(String::as_str))
        .map(|w| format!("; did you mean {w}?"))
        .unwrap_or_default();
    Err(format!(
        "there is no lesson '{name_or_path}'{hint} (crdt-lab lessons lists them)"
    ))
}

#[cfg(test)]
mod tests;
