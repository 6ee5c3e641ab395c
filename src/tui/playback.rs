//! Lesson playback: the lab screen on a lesson's [`Player`]. Steps, questions, scores and
//! experiments are the player's; this file only asks it and shows the answers.

use super::app::{App, HomeItem, Overlay, Session, Side, Status, Target, Tone};
use super::diff::Changes;
use super::markdown;
use super::theme::Theme;
use crate::lab::Lab;
use crate::lesson::{Lesson, PlayError, Player, StepReport};
use crate::script::{Failure, Reply};
use std::collections::BTreeSet;

impl App {
    /// A lesson, on its title page.
    pub fn lesson(theme: Theme, lesson: Lesson) -> App {
        let mut app = App::blank(theme, Session::Sandbox(Lab::new()));
        app.open_lesson(lesson);
        app.from_home = false;
        app
    }

    pub(super) fn open_lesson(&mut self, lesson: Lesson) {
        let player = Player::new(lesson);
        let failed = player
            .setup()
            .failure()
            .map(|(line, result)| failure_text(line, result));
        self.session = Session::Lesson(Box::new(player));
        self.enter_lab();
        self.status = failed.map(|text| Status {
            tone: Tone::Error,
            text,
        });
    }

    /// → in a lesson: ask the step's question if one waits, else enter the next step.
    pub(super) fn next_step(&mut self) {
        let Session::Lesson(player) = &mut self.session else {
            return;
        };
        if let Some(question) = player.question() {
            self.prompt = markdown::parse(&question.prompt);
            self.answered = None;
            self.open_overlay(Overlay::Question);
            return;
        }
        let result = player.next();
        let name = player.lesson().name.clone();
        let at_end = player.at_end();
        self.step_output.clear();
        self.status = Some(match result {
            Ok(report) => {
                self.step_output = outputs(&report);
                step_status(&report)
            }
            Err(e) => Status {
                tone: Tone::Info,
                text: e.to_string(),
            },
        });
        if at_end {
            self.done.insert(name.clone());
            self.home
                .iter_mut()
                .filter(|i| i.open == Target::Lesson(name.clone()))
                .for_each(|i| i.done = true);
        }
        self.after_move();
    }

    /// ← in a lesson.
    pub(super) fn previous_step(&mut self) {
        let Session::Lesson(player) = &mut self.session else {
            return;
        };
        let result = player.back();
        self.step_output.clear();
        self.status = match result {
            Ok(()) => None,
            Err(e) => Some(Status {
                tone: Tone::Info,
                text: e.to_string(),
            }),
        };
        self.after_move();
    }

    /// After a move between steps, the panels mark what the step now shown changed.
    pub(super) fn after_move(&mut self) {
        let changes = self
            .session
            .player()
            .map(|p| p.changes())
            .unwrap_or_default();
        self.changes = Changes::of(&changes);
        self.side = Side::Narration;
        self.side_scroll = 0;
        self.refresh();
    }

    pub(super) fn answer(&mut self, choice: usize) {
        let Session::Lesson(player) = &mut self.session else {
            return;
        };
        if self.answered.as_ref().is_some_and(|(_, a)| a.correct) {
            return;
        }
        match player.answer(choice) {
            Ok(answered) => {
                self.answered = Some((choice, answered));
                self.refresh();
            }
            Err(PlayError::NoSuchChoice { .. }) => {}
            Err(e) => {
                self.status = Some(Status {
                    tone: Tone::Info,
                    text: e.to_string(),
                })
            }
        }
    }

    /// → after answering: the question closes and the next step comes. A wrong first answer
    /// has already been scored; the right one is given so the lesson can go on.
    pub(super) fn go_on(&mut self) {
        let Some((_, answered)) = self.answered.take() else {
            return;
        };
        if let Session::Lesson(player) = &mut self.session
            && player.question().is_some()
        {
            let _ = player.answer(answered.right);
        }
        self.overlay = None;
        self.next_step();
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

/// The answers of a step's queries (lookup, explain, compare ...), by line.
pub(super) fn outputs(report: &StepReport) -> Vec<(String, Reply)> {
    let query = |(line, result): &(String, Result<Reply, Failure>)| match result {
        Ok(Reply::Changed { .. } | Reply::Passed { .. } | Reply::Nothing) | Err(_) => None,
        Ok(reply) => Some((line.clone(), reply.clone())),
    };
    report.lines.iter().filter_map(query).collect()
}

pub(super) fn failure_text(line: &str, result: &Result<Reply, Failure>) -> String {
    match result {
        Err(failure) => format!("✗ the lesson's line '{line}' failed: {failure}"),
        Ok(_) => format!("✓ {line}"),
    }
}

/// What entering a step says: the commands it ran, a failure if one happened, and any
/// experiments that were rolled back.
pub(super) fn step_status(report: &StepReport) -> Status {
    if let Some((line, result)) = report.failure() {
        return Status {
            tone: Tone::Error,
            text: failure_text(line, result),
        };
    }
    let ran: Vec<String> = report
        .lines
        .iter()
        .filter_map(|(line, result)| match result {
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
    let tone = if report.rolled_back.is_empty() {
        Tone::Info
    } else {
        Tone::Note
    };
    Status { tone, text }
}
