//! Headless playback (`crdt-lab run lesson.md`): every step's narration and commands, the state
//! after each step that ran commands, and each question answered with its marked choice. The
//! first failure (a refused command or a failed expectation) stops the lesson with file:line.

use super::{Lesson, PlayError, Player, StepReport};
use crate::lab::Lab;
use crate::script::render::{self, Style};
use crate::script::{Reply, RunError, RunOptions};
use std::io::Write;

/// Why a lesson did not play to its end: a line failed, or the player could not go on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum HeadlessError {
    #[error("{0}")]
    Line(#[from] RunError),
    #[error("{file}: {error}")]
    Stuck { file: String, error: PlayError },
}

/// What a lesson that passed did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub steps: usize,
    pub expectations: usize,
    pub questions: usize,
}

/// Play a lesson from start to end, writing a transcript to `out`.
pub fn play_headless(
    lesson: &Lesson,
    options: RunOptions,
    out: &mut impl Write,
) -> Result<Summary, HeadlessError> {
    let mut player = Player::new(lesson.clone());
    let mut print = |text: &str| {
        if !options.quiet {
            let _ = writeln!(out, "{}", render::escape_lines(text));
        }
    };
    print(&format!("# {}\n", lesson.title));
    print_prose(&mut print, &lesson.intro);
    let mut summary = Summary::default();
    let setup = player.setup().clone();
    summary.expectations += report(&mut print, lesson, &lesson.setup, &setup, player.lab())?;
    if !lesson.setup.is_empty() {
        print(&render::state_table(
            &player.lab().view(),
            None,
            render::Look::default(),
        ));
    }
    while !player.at_end() {
        let report_of_step = player.next().map_err(|e| stuck(lesson, e))?;
        let step = &lesson.steps[player.step() - 1];
        print(&format!(
            "\n## Step {} of {}: {}\n",
            player.step(),
            player.step_count(),
            step.title
        ));
        print_prose(&mut print, &step.narration);
        summary.expectations += report(
            &mut print,
            lesson,
            &step.commands,
            &report_of_step,
            player.lab(),
        )?;
        if !step.commands.is_empty() {
            print(&render::state_table(
                &player.lab().view(),
                None,
                render::Look::default(),
            ));
        }
        if let Some(q) = player.question().cloned() {
            print(&format!("\n? {}", q.prompt));
            for (k, choice) in q.choices.iter().enumerate() {
                print(&format!("  {}. {choice}", k + 1));
            }
            let answered = player.answer(q.answer).map_err(|e| stuck(lesson, e))?;
            print(&format!(
                "answer: {}. {} (the marked choice)",
                answered.right + 1,
                q.choices[answered.right]
            ));
            print(&answered.explanation);
            summary.questions += 1;
        }
    }
    summary.steps = player.step();
    print(&format!(
        "\npassed: {}, {}, {} answered",
        count(summary.steps, "step"),
        count(summary.expectations, "expectation"),
        count(summary.questions, "question")
    ));
    Ok(summary)
}

fn print_prose(print: &mut impl FnMut(&str), prose: &str) {
    if !prose.is_empty() {
        print(&format!("{prose}\n"));
    }
}

/// Print each command and what it said; stop at the first failure. Returns the expectations passed.
fn report(
    print: &mut impl FnMut(&str),
    lesson: &Lesson,
    commands: &[(usize, String)],
    report: &StepReport,
    lab: &Lab,
) -> Result<usize, RunError> {
    let mut passed = 0;
    for ((line, text), (_, result)) in commands.iter().zip(&report.lines) {
        print(&format!("> {text}"));
        match result {
            Ok(reply) => {
                passed += usize::from(matches!(reply, Reply::Passed { .. }));
                let said = render::reply(lab, reply, Style::Step);
                if !said.is_empty() {
                    print(&said);
                }
            }
            Err(failure) => {
                let failure = Box::new(failure.clone());
                return Err(RunError {
                    file: lesson.file.clone(),
                    line: *line,
                    text: text.clone(),
                    failure,
                });
            }
        }
    }
    Ok(passed)
}

fn stuck(lesson: &Lesson, error: PlayError) -> HeadlessError {
    HeadlessError::Stuck {
        file: lesson.file.clone(),
        error,
    }
}

/// `1 step`, `2 steps`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
