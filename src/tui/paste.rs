//! Pasted text (bracketed paste), so that a paste never runs away with the UI: one line lands
//! on the command line, to be looked at and entered; several lines run as a batch, a few per
//! frame, with a progress line on the status, and Esc stops the rest. Each line goes through
//! the same door as a typed one ([`App::run_line`]).

use super::app::App;
use super::input::MAX_INPUT;
use super::state::{Screen, Tone};
use std::collections::VecDeque;

/// How many pasted lines run between two frames (and two looks at the keys).
pub const PER_STEP: usize = 20;

/// A multi-line paste on its way through the lab.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub lines: VecDeque<String>,
    pub total: usize,
    pub refused: usize,
    /// The first refusal, as the status said it.
    pub first_refusal: Option<String>,
}

/// Whether a batch is still running.
pub fn pending(app: &App) -> bool {
    app.ui.batch.is_some()
}

/// Text was pasted: one line goes onto the command line, more start a batch.
pub fn paste(app: &mut App, text: &str) {
    if app.ui.screen != Screen::Lab || app.ui.overlay.is_some() {
        let said = match app.ui.screen {
            Screen::Lab => "a paste goes to the command line: close what is open and paste again",
            _ => "a paste goes to a lab's command line: open a lesson or the sandbox first",
        };
        app.ui.say(Tone::Note, said);
        return;
    }
    // Terminals send a pasted line break as \r (Enter), some as \r\n or \n.
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', " ");
    let lines: VecDeque<String> = text
        .split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect();
    match (lines.len(), app.ui.batch.as_mut()) {
        (0, _) => {}
        // Pasted again while a batch runs: after the rest of it.
        (n, Some(batch)) => {
            batch.total += n;
            batch.lines.extend(lines);
            progress(app);
        }
        (1, None) => {
            if !app.ui.typing {
                app.ui.typing = true;
                app.ui.input.open("");
            }
            let line = &lines[0];
            line.chars()
                .take(MAX_INPUT)
                .for_each(|c| app.ui.input.insert(c));
            if line.chars().nth(MAX_INPUT).is_some() {
                let said =
                    format!("the pasted line was cut to the command line's {MAX_INPUT} characters");
                app.ui.say(Tone::Note, said);
            }
        }
        (total, None) => {
            app.ui.typing = false;
            app.ui.input.erase_line();
            app.ui.batch = Some(Batch {
                lines,
                total,
                ..Batch::default()
            });
            progress(app);
        }
    }
}

/// Run one pasted line as if typed; a line longer than the command line takes is refused.
fn run_one(app: &mut App, line: &str) {
    match line.chars().nth(MAX_INPUT) {
        None => app.run_line(line),
        Some(_) => app.ui.say(
            Tone::Error,
            format!("✗ a pasted line of more than {MAX_INPUT} characters is not run"),
        ),
    }
}

/// Run the next [`PER_STEP`] lines of the batch; the last step says how it went.
pub fn step(app: &mut App) {
    let Some(mut batch) = app.ui.batch.take() else {
        return;
    };
    for _ in 0..PER_STEP {
        let Some(line) = batch.lines.pop_front() else {
            break;
        };
        run_one(app, &line);
        if let Some(status) = app.ui.status.as_ref().filter(|s| s.tone == Tone::Error) {
            batch.refused += 1;
            batch
                .first_refusal
                .get_or_insert_with(|| status.text.clone());
        }
        if app.ui.quit {
            return;
        }
    }
    let done = batch.lines.is_empty();
    app.ui.batch = Some(batch);
    if done {
        finish(app, "ran");
    } else {
        progress(app);
    }
}

/// Esc while a batch runs: the lines not yet run are dropped.
pub fn stop(app: &mut App) {
    finish(app, "stopped after");
}

fn progress(app: &mut App) {
    let Some(batch) = &app.ui.batch else { return };
    let done = batch.total - batch.lines.len();
    let text = format!(
        "pasting: {done}/{} lines run, {} refused · Esc stops",
        batch.total, batch.refused
    );
    app.ui.say(Tone::Info, text);
}

fn finish(app: &mut App, verb: &str) {
    let Some(batch) = app.ui.batch.take() else {
        return;
    };
    let run = batch.total - batch.lines.len();
    let mut text = format!("{verb} {run} of {} pasted lines", batch.total);
    let tone = match &batch.first_refusal {
        Some(first) => {
            text.push_str(&format!("; {} refused, the first: {first}", batch.refused));
            Tone::Error
        }
        None => Tone::Ok,
    };
    app.ui.say(tone, text);
}
