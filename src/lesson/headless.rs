//! Headless playback (`crdt-lab run lesson.md`): every step's narration and commands, the state
//! after each step that ran commands, and each question answered with its marked choice. The
//! first failure (a refused command or a failed expectation) stops the lesson with file:line.

use super::{Lesson, Player, StepReport};
use crate::script::{Failure, Reply, RunError, RunOptions, render};
use std::io::Write;

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
) -> Result<Summary, RunError> {
    let mut player = Player::new(lesson.clone());
    let mut print = |text: &str| {
        if !options.quiet {
            let _ = writeln!(out, "{text}");
        }
    };
    print(&format!("# {}\n", lesson.title));
    print_prose(&mut print, &lesson.intro);
    let mut summary = Summary::default();
    let setup = player.setup().clone();
    summary.expectations += report(&mut print, lesson, &lesson.setup, &setup)?;
    if !lesson.setup.is_empty() {
        print(&render::state_table(&player.lab().view(), None));
    }
    while !player.at_end() {
        let report_of_step = player.next().map_err(|e| stuck(lesson, e.to_string()))?;
        let step = &lesson.steps[player.step() - 1];
        print(&format!(
            "\n## Step {} of {}: {}\n",
            player.step(),
            player.step_count(),
            step.title
        ));
        print_prose(&mut print, &step.narration);
        summary.expectations += report(&mut print, lesson, &step.commands, &report_of_step)?;
        if !step.commands.is_empty() {
            print(&render::state_table(&player.lab().view(), None));
        }
        if let Some(q) = player.question().cloned() {
            print(&format!("\n? {}", q.prompt));
            for (k, choice) in q.choices.iter().enumerate() {
                print(&format!("  {}. {choice}", k + 1));
            }
            let answered = player
                .answer(q.answer)
                .map_err(|e| stuck(lesson, e.to_string()))?;
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
) -> Result<usize, RunError> {
    let mut passed = 0;
    for ((line, text), (_, result)) in commands.iter().zip(&report.lines) {
        print(&format!("> {text}"));
        match result {
            Ok(reply) => {
                passed += usize::from(matches!(reply, Reply::Passed(_)));
                let said = reply_text(reply);
                if !said.is_empty() {
                    print(&said);
                }
            }
            Err(failure) => {
                let failure = failure.clone();
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

/// What a reply says, without the state line (the step's state table follows).
pub fn reply_text(reply: &Reply) -> String {
    match reply {
        Reply::Changed { applied, .. } => applied
            .note
            .as_ref()
            .map(|n| format!("  note: {n}"))
            .unwrap_or_default(),
        Reply::Nothing => String::new(),
        Reply::Moved(what) => format!("  {what}"),
        Reply::Passed(what) => format!("  ok: {what}"),
        Reply::Text(text) => text
            .lines()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn stuck(lesson: &Lesson, why: String) -> RunError {
    RunError {
        file: lesson.file.clone(),
        line: 0,
        text: String::new(),
        failure: Failure::Unreadable(why),
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
