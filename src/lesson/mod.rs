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

pub use headless::{HeadlessError, Summary, count, play_headless};
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

    /// What the lesson plays but does not teach well: a step with commands and no narration
    /// (`file:line: ...`). The faces say these on stderr; no shipped lesson has one.
    pub fn warnings(&self) -> Vec<String> {
        let silent = self.steps.iter().filter(|s| s.narration.trim().is_empty());
        silent
            .map(|s| {
                format!(
                    "{}:{}: warning: step '{}' has no narration; say in a sentence or two what \
                     it shows, with the numbers the lab shows",
                    self.file, s.line, s.title
                )
            })
            .collect()
    }
}

/// The shipped lessons, in curriculum order: (file stem, text).
const BUILTIN: &[(&str, &str)] = &[
    (
        "gset-apple-banana",
        include_str!("../../lessons/gset-apple-banana.md"),
    ),
    (
        "partitions-in-flight",
        include_str!("../../lessons/partitions-in-flight.md"),
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
        "2pset-monotonic-map",
        include_str!("../../lessons/2pset-monotonic-map.md"),
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
        "pnset-negative",
        include_str!("../../lessons/pnset-negative.md"),
    ),
    (
        "orset-add-wins",
        include_str!("../../lessons/orset-add-wins.md"),
    ),
    ("orset-readd", include_str!("../../lessons/orset-readd.md")),
    (
        "orset-practice",
        include_str!("../../lessons/orset-practice.md"),
    ),
    (
        "orswot-no-tombstones",
        include_str!("../../lessons/orswot-no-tombstones.md"),
    ),
    (
        "one-story-four-answers",
        include_str!("../../lessons/one-story-four-answers.md"),
    ),
    ("ops-relay", include_str!("../../lessons/ops-relay.md")),
    (
        "metadata-and-messages",
        include_str!("../../lessons/metadata-and-messages.md"),
    ),
    ("mistakes", include_str!("../../lessons/mistakes.md")),
    (
        "choosing-a-set",
        include_str!("../../lessons/choosing-a-set.md"),
    ),
];

/// The lessons that ship inside the binary, in curriculum order. One that does not parse is an
/// error for the caller to show (and fails the test suite); it never silently goes missing.
pub fn builtin() -> Result<Vec<Lesson>, LessonError> {
    BUILTIN
        .iter()
        .map(|(name, text)| parse(&format!("lessons/{name}.md"), text))
        .collect()
}

/// The names of the lessons that ship inside the binary, in curriculum order (without reading them).
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(name, _)| *name)
}

/// Why `find` found no lesson.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FindError {
    #[error("cannot read {path}: {why}")]
    Unreadable { path: String, why: String },
    #[error("{0}")]
    Malformed(#[from] LessonError),
    #[error("there is no lesson {number}; the lessons are numbered 1 to {count}")]
    NoNumber { number: usize, count: usize },
    #[error("there is no lesson '{name}'{} (crdt-lab lessons lists them)", suggestion.as_ref().map(|s| format!("; did you mean {s}?")).unwrap_or_default())]
    NoName {
        name: String,
        suggestion: Option<String>,
    },
}

/// A builtin lesson by name or number (from 1), or a path to any `.md` file.
pub fn find(name_or_path: &str) -> Result<Lesson, FindError> {
    let path = std::path::Path::new(name_or_path);
    if name_or_path.ends_with(".md") || path.is_file() {
        let text = crate::script::read_text(name_or_path).map_err(|e| FindError::Unreadable {
            path: name_or_path.to_string(),
            why: e.to_string(),
        })?;
        return Ok(parse(name_or_path, &text)?);
    }
    let lessons = builtin()?;
    if let Ok(number) = name_or_path.parse::<usize>() {
        let count = lessons.len();
        return number
            .checked_sub(1)
            .and_then(|k| lessons.into_iter().nth(k))
            .ok_or(FindError::NoNumber { number, count });
    }
    let names: Vec<String> = lessons.iter().map(|l| l.name.clone()).collect();
    if let Some(lesson) = lessons.into_iter().find(|l| l.name == name_or_path) {
        return Ok(lesson);
    }
    let suggestion = crate::lab::closest(name_or_path, names.iter().map(String::as_str));
    Err(FindError::NoName {
        name: name_or_path.to_string(),
        suggestion: suggestion.map(str::to_string),
    })
}

#[cfg(test)]
mod tests;
