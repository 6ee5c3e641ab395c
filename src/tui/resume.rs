//! Saved progress in the TUI: what a lesson's player reached is recorded after every message
//! and saved where the terminal face attached a `progress::Store`; the home screen's note on
//! each lesson (done, score, where to go on); and the prompt that offers to resume an
//! unfinished lesson at the step the learner left on, or to start over.

use super::app::{App, Message};
use super::state::{Target, Tone};
use crate::progress::Opened;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph, Widget, Wrap};

impl App {
    /// After every message: note where the lesson on screen stands (its step, whether it is
    /// finished, its first answers) and save it if that changed, where a store is attached
    /// (the terminal face attaches one; tests and the sandbox have none). Nothing is noted
    /// while the resume prompt waits, and nothing in the sandbox.
    pub fn keep_progress(&mut self) {
        self.record_progress();
        self.save_progress();
    }

    fn record_progress(&mut self) {
        if self.ui.resume.is_some() {
            return;
        }
        let Some(player) = self.session.player() else {
            return;
        };
        let name = player.lesson().name.clone();
        let place = (player.step(), player.step_count(), player.question_count());
        let answers = player.first_answers();
        self.ui.progress.record(&name, place, answers);
        if self.ui.progress.get(&name).is_some_and(|r| r.done) {
            self.ui.done.insert(name);
        }
    }

    /// A problem with the file is said on the status line and kept, to be said again on
    /// stderr when the TUI ends.
    fn save_progress(&mut self) {
        let Some(store) = self.ui.store.as_mut() else {
            return;
        };
        if let Some(warning) = store.save(&self.ui.progress) {
            self.ui.say(Tone::Error, warning.clone());
            self.ui.progress_warning = Some(warning);
        }
    }

    /// On a lesson's title page with saved progress part way through it: ask whether to go on
    /// there. Not under `--auto`, which plays from the start for a class.
    pub fn offer_resume(&mut self) {
        let Some(player) = self.session.player() else {
            return;
        };
        let record = self.ui.progress.get(&player.lesson().name);
        // A lesson edited since may have fewer steps now.
        let at = record.and_then(|r| r.resume_at());
        let at = at.map(|k| k.min(player.step_count()));
        if self.ui.auto.is_none() && player.step() == 0 && at.is_some_and(|k| k >= 1) {
            self.ui.resume = at;
        }
    }

    /// The prompt's answer: go to the saved step, or stay on the title page.
    fn resume(&mut self, go_on: bool) {
        let Some(step) = self.ui.resume.take() else {
            return;
        };
        let Some(player) = self.session.player_mut() else {
            return;
        };
        if !go_on {
            self.ui.say(Tone::Info, "starting over: → for step 1");
            return;
        }
        let steps = player.step_count();
        match player.goto(step.min(steps)) {
            Ok(()) => {
                self.after_move();
                let text = format!("resumed at step {step} of {steps}: ← goes back");
                self.ui.say(Tone::Info, text);
            }
            Err(e) => self.ui.say(Tone::Error, e.to_string()),
        }
    }
}

/// Give the app its saved progress and the store to save it in, mark the finished lessons on
/// the home screen, say a problem with the file, and offer to resume a lesson on screen.
pub(super) fn attach(app: &mut App, opened: Opened) {
    let done = opened.progress.done();
    for item in &mut app.ui.home {
        item.done |= matches!(&item.open, Target::Lesson(name) if done.contains(name));
    }
    app.ui.done.extend(done);
    app.ui.progress = opened.progress;
    app.ui.store = Some(opened.store);
    if let Some(warning) = opened.warning {
        app.ui.say(Tone::Error, warning.clone());
        app.ui.progress_warning = Some(warning);
    }
    app.offer_resume();
}

/// When the TUI has ended and the terminal is back: save what is left, and say again on
/// stderr what went wrong with the file, if anything did.
pub(super) fn end(app: &mut App) {
    app.save_progress();
    if let Some(warning) = &app.ui.progress_warning {
        crate::exit::warn(warning);
    }
}

/// The message while the resume prompt waits: Enter resumes, `s` starts over, `q` leaves it
/// for the title page too (the saved step stays saved either way).
pub fn update(app: &mut App, message: Message) {
    match message {
        Message::Resume(go_on) => app.resume(go_on),
        Message::Quit => app.resume(false),
        Message::ForceQuit => app.ui.quit = true,
        _ => {}
    }
}

/// A lesson's note on the home screen: `✓ done · 2/3 right`, `continue at step 4`, or nothing.
pub fn home_note(app: &App, open: &Target) -> String {
    let Target::Lesson(name) = open else {
        return String::new();
    };
    let record = app.ui.progress.get(name);
    let note = record.map(|r| r.summary()).unwrap_or_default();
    if note.is_empty() && app.ui.done.contains(name) {
        return "✓ done".to_string();
    }
    note
}

/// The prompt, a box in the middle of the screen over the lesson's title page.
pub fn render(app: &App, screen: Rect, buf: &mut Buffer) {
    let Some(step) = app.ui.resume else { return };
    let Some(player) = app.session.player() else {
        return;
    };
    let t = &app.theme;
    let record = app.ui.progress.get(&player.lesson().name);
    let (right, asked) = record.map_or((0, 0), |r| r.score());
    let mut lines = vec![
        Line::styled(
            format!(
                "You left this lesson at step {step} of {}.",
                player.step_count()
            ),
            t.text,
        ),
        Line::styled(
            match asked {
                0 => "No question answered yet.".to_string(),
                _ => format!("Score so far: {right} of {asked} right the first time."),
            },
            t.dim,
        ),
        Line::default(),
    ];
    for (key, what) in [
        ("Enter", format!("resume at step {step}")),
        ("s    ", "start over from the title page".to_string()),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!(" {key} "), t.key),
            Span::styled(format!(" {what}"), t.text),
        ]));
    }
    let width = screen.width.min(54);
    let height = (lines.len() as u16 + 2).min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - width) / 2,
        screen.y + screen.height.saturating_sub(height) / 2,
        width,
        height,
    );
    Clear.render(area, buf);
    buf.set_style(area, t.text);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(t.focus)
        .padding(Padding::horizontal(1))
        .title(Line::styled(" Resume? ", t.strong));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
}

#[cfg(test)]
#[path = "resume_tests.rs"]
mod tests;
