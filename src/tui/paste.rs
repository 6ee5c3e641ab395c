//! Pasted text (bracketed paste), so that a paste never runs away with the UI: one line lands
//! on the command line, to be looked at and entered; several lines run as a batch, a few per
//! frame, with a progress line on the status, and Esc stops the rest. Each line goes through
//! the same door as a typed one ([`App::run_line`]).

use super::app::App;
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
        app.ui.say(
            Tone::Note,
            "a paste goes to the command line: close what is open and paste again",
        );
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
    match lines.len() {
        0 => {}
        1 => {
            if !app.ui.typing {
                app.ui.typing = true;
                app.ui.input.open("");
            }
            lines[0].chars().for_each(|c| app.ui.input.insert(c));
        }
        total => {
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

/// Run the next [`PER_STEP`] lines of the batch; the last step says how it went.
pub fn step(app: &mut App) {
    let Some(mut batch) = app.ui.batch.take() else {
        return;
    };
    for _ in 0..PER_STEP {
        let Some(line) = batch.lines.pop_front() else {
            break;
        };
        app.run_line(&line);
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
