//! Lesson playback: the lab screen on a lesson's [`Player`]. Steps, questions, scores and
//! experiments are the player's; this file only asks it and shows the answers.

use super::app::App;
use super::markdown;
use super::session::{Quiz, Session, Solved, Source};
use super::state::{HomeItem, Overlay, Side, Status, Target, Tone};
use super::theme::Theme;
use super::worked::Worked;
use crate::lab::Lab;
use crate::lesson::{Answered, Lesson, Player, StepReport};
use crate::script::{Failure, Reply};
use std::collections::BTreeSet;

impl App {
    /// A lesson, on its title page.
    pub fn lesson(theme: Theme, lesson: Lesson) -> App {
        let mut app = App::blank(theme, Source::Sandbox(Lab::new()));
        app.open_lesson(lesson);
        app.ui.from_home = false;
        app
    }

    pub(super) fn open_lesson(&mut self, lesson: Lesson) {
        let player = Player::new(lesson);
        let failed = player
            .setup()
            .failure()
            .map(|(line, result)| failure_text(line, result));
        self.session = Session::new(Source::Lesson(Box::new(player)));
        self.enter_lab();
        self.ui.status = failed.map(|text| Status::new(Tone::Error, text));
    }

    /// → in a lesson: ask the step's question if one waits (or show it again, answered, when
    /// the step is visited again), else enter the next step. At the last step nothing moves,
    /// and what the step showed stays.
    pub(super) fn next_step(&mut self) {
        let Some(player) = self.session.player() else {
            return;
        };
        if player.question().is_some() {
            self.pose(None);
            return;
        }
        if let Some((first_right, answered)) = player.solved()
            && self.session.quiz.step != Some(player.step())
        {
            self.pose(Some((answered.right, answered)));
            self.session.quiz.how = Solved::Before { first_right };
            return;
        }
        self.advance();
    }

    /// Put the current step's question in its panel, unanswered or answered.
    fn pose(&mut self, answered: Option<(usize, Answered)>) {
        let Some(player) = self.session.player() else {
            return;
        };
        let step = player.step();
        let question = step
            .checked_sub(1)
            .and_then(|k| player.lesson().steps.get(k))
            .and_then(|s| s.question.as_ref());
        let Some(question) = question else {
            return;
        };
        self.session.quiz = Quiz {
            prompt: markdown::parse(&question.prompt),
            step: Some(step),
            answered,
            ..Quiz::default()
        };
        self.ui.countdown.left = None;
        self.open_overlay(Overlay::Question);
    }

    /// Enter the next step.
    fn advance(&mut self) {
        let Some(player) = self.session.player_mut() else {
            return;
        };
        let result = player.next();
        let name = player.lesson().name.clone();
        let at_end = player.at_end();
        match result {
            Ok(report) => self.ui.status = Some(step_status(&report)),
            Err(e) => {
                self.ui.say(Tone::Info, e.to_string());
                return;
            }
        }
        if at_end {
            self.ui.done.insert(name.clone());
            let target = Target::Lesson(name);
            let items = self.ui.home.iter_mut().filter(|i| i.open == target);
            items.for_each(|i| i.done = true);
        }
        self.after_move();
    }

    /// ← in a lesson.
    pub(super) fn previous_step(&mut self) {
        let Some(player) = self.session.player_mut() else {
            return;
        };
        match player.back() {
            Ok(()) => self.ui.status = None,
            Err(e) => {
                self.ui.say(Tone::Info, e.to_string());
                return;
            }
        }
        self.after_move();
    }

    /// `go N`, Home/End, g/G, a click on the history or a row of the worked table: straight to
    /// step `step` (0 is the title page). Questions on the way are passed by, unanswered.
    pub(super) fn jump(&mut self, step: usize) {
        let Some(player) = self.session.player_mut() else {
            return;
        };
        let from = player.step();
        let undone = player.experiments().len();
        if let Err(e) = player.goto(step) {
            self.ui.say(Tone::Error, format!("✗ {e}"));
            return;
        }
        let steps = player.step_count();
        let mut said = match from == step {
            true => format!("back to the start of step {step} of {steps}"),
            false => format!("jumped from step {from} to step {step} of {steps}"),
        };
        if undone > 0 {
            said.push_str(&format!(
                "   (your {undone} experiment(s) were rolled back)"
            ));
        }
        self.ui.overlay = None;
        self.after_move();
        self.ui.say(Tone::Info, said);
        // A teacher who jumps is taking over from --auto.
        self.pause();
    }

    /// After a move between steps: the panels mark what the step now shown changed, the
    /// narration says what its commands did, and an answer on screen is asked again.
    pub(super) fn after_move(&mut self) {
        self.ui.side = Side::Narration;
        self.ui.side_scroll = 0;
        self.ui.countdown.left = None;
        self.session.answer = None;
        self.session.quiz = Quiz::default();
        self.session.entered_step();
        self.refresh();
    }

    /// A digit on a question: right, and the explanation shows; wrong, and the learner is told
    /// to try again (the first answer is the one the score counts).
    pub(super) fn answer(&mut self, choice: usize) {
        if self.session.quiz.answered.is_some() {
            return;
        }
        let Some(player) = self.session.player_mut() else {
            return;
        };
        match player.answer(choice) {
            Ok(answered) if answered.correct => {
                self.session.quiz.answered = Some((choice, answered));
                self.session.quiz.how = Solved::Now;
                self.ui.countdown.left = None;
                self.ui.status = None;
                self.refresh();
            }
            Ok(_) => {
                let tried = &mut self.session.quiz.tried;
                if !tried.contains(&choice) {
                    tried.push(choice);
                }
                self.ui.say(
                    Tone::Error,
                    format!(
                        "✗ not quite, try again: {} is not it (s shows the answer)",
                        choice + 1
                    ),
                );
            }
            Err(e) => self.ui.say(Tone::Info, e.to_string()),
        }
    }

    /// `s` on a question: give up, and see the right answer with its explanation.
    pub(super) fn give_up(&mut self) {
        if self.session.quiz.answered.is_some() {
            return;
        }
        let Some(player) = self.session.player_mut() else {
            return;
        };
        match player.give_up() {
            Ok(answered) => {
                self.session.quiz.answered = Some((answered.right, answered));
                self.session.quiz.how = Solved::GaveUp;
                self.ui.countdown.left = None;
                self.ui.status = None;
                self.refresh();
            }
            Err(e) => self.ui.say(Tone::Info, e.to_string()),
        }
    }

    /// → on a question: once answered, the question closes and the next step comes; before,
    /// the learner is told how to answer.
    pub(super) fn go_on(&mut self) {
        if self.session.quiz.answered.is_none() {
            let choices = self
                .session
                .player()
                .and_then(|p| p.question())
                .map_or(0, |q| q.choices.len());
            self.ui.say(
                Tone::Info,
                format!(
                    "answer with a number from 1 to {choices} first, or press s to see the answer"
                ),
            );
            return;
        }
        self.ui.overlay = None;
        self.advance();
    }

    /// `w`: the worked table, with the current step's row chosen and in sight.
    pub(super) fn open_worked(&mut self) {
        self.session.worked = match self.session.player() {
            Some(player) => Worked::of_lesson(player),
            None => Worked::of_lab(self.lab()),
        };
        self.open_overlay(Overlay::Worked);
        self.choose_row(0);
    }

    /// ↑ ↓ in the worked table: choose another row, keeping it in sight.
    pub(super) fn choose_row(&mut self, delta: i32) {
        let worked = &mut self.session.worked;
        let last = worked.rows().saturating_sub(1);
        let row = match delta < 0 {
            true => worked.chosen.saturating_sub(delta.unsigned_abs() as usize),
            false => worked.chosen.saturating_add(delta as usize),
        };
        worked.chosen = row.min(last);
        let line = worked.line_of(worked.chosen);
        // The overlay's inside: the screen less the title, status, command and footer lines and
        // its own border.
        let height = usize::from(self.ui.size.height.saturating_sub(5)).max(1);
        let scroll = &mut self.ui.overlay_scroll;
        if line < *scroll + 2 {
            *scroll = line.saturating_sub(2);
        } else if line >= *scroll + height {
            *scroll = line + 1 - height;
        }
    }

    /// Enter (or a click) on a row of the worked table: jump to its step.
    pub(super) fn jump_to_row(&mut self, row: usize) {
        let worked = &self.session.worked;
        match worked.steps.get(row) {
            Some(Some(step)) => {
                let step = *step;
                self.jump(step);
            }
            Some(None) => self.ui.say(
                Tone::Info,
                "a sandbox's rows are commands, not steps: undo and redo move along them",
            ),
            None => {}
        }
    }
}

pub(super) fn lesson_item(lesson: &Lesson, done: &BTreeSet<String>) -> HomeItem {
    let questions = match lesson.question_count() {
        0 => String::new(),
        1 => " · 1 question".to_string(),
        n => format!(" · {n} questions"),
    };
    HomeItem {
        title: lesson.title.clone(),
        detail: format!("{} steps{questions} · {}", lesson.steps.len(), lesson.name),
        done: done.contains(&lesson.name),
        open: Target::Lesson(lesson.name.clone()),
    }
}

pub(super) fn failure_text(line: &str, result: &Result<Reply, Failure>) -> String {
    match result {
        Err(failure) => format!("✗ the lesson's line '{line}' failed: {failure}"),
        Ok(_) => format!("✓ {line}"),
    }
}

/// What entering a step says: the commands it ran with their notes and the rules that refused
/// what the step expected to be refused, a failure if one happened, and any experiments that
/// were rolled back.
pub(super) fn step_status(report: &StepReport) -> Status {
    if let Some((line, result)) = report.failure() {
        return Status::new(Tone::Error, failure_text(line, result));
    }
    let ran: Vec<String> = report
        .lines
        .iter()
        .filter_map(|(line, result)| match result {
            Ok(Reply::Passed {
                refusal: Some(rule),
                ..
            }) => Some(format!("{line} ({rule})")),
            Ok(Reply::Passed { .. }) => None,
            Ok(Reply::Changed { applied, .. }) if !applied.notes.is_empty() => {
                Some(format!("{line} (note: {})", applied.notes.join("; ")))
            }
            _ => Some(line.clone()),
        })
        .collect();
    let mut text = if ran.is_empty() {
        "this step only explains".to_string()
    } else {
        format!("ran: {}", ran.join(" · "))
    };
    if !report.rolled_back.is_empty() {
        text.push_str(&format!(
            "   (your {} experiment(s) were rolled back)",
            report.rolled_back.len()
        ));
    }
    let noted = report.lines.iter().any(|(_, r)| match r {
        Ok(Reply::Changed { applied, .. }) => !applied.notes.is_empty(),
        _ => false,
    });
    let tone = match report.rolled_back.is_empty() && !noted {
        true => Tone::Info,
        false => Tone::Note,
    };
    Status::new(tone, text)
}
