//! Lesson playback: the lab screen on a lesson's [`Player`]. Steps, questions, scores and
//! experiments are the player's; this file only asks it and shows the answers.

use super::app::App;
use super::markdown;
use super::session::{Quiz, Session, Source};
use super::state::{HomeItem, Overlay, Side, Status, Target, Tone};
use super::theme::Theme;
use crate::lab::Lab;
use crate::lesson::{Lesson, PlayError, Player, StepReport};
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

    /// → in a lesson: ask the step's question if one waits, else enter the next step. At the
    /// last step nothing moves, and what the step showed stays.
    pub(super) fn next_step(&mut self) {
        let Some(player) = self.session.player_mut() else {
            return;
        };
        if let Some(question) = player.question() {
            self.session.quiz = Quiz {
                prompt: markdown::parse(&question.prompt),
                ..Quiz::default()
            };
            self.open_overlay(Overlay::Question);
            return;
        }
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

    /// After a move between steps: the panels mark what the step now shown changed, the
    /// narration says what its commands did, and an answer on screen is asked again.
    pub(super) fn after_move(&mut self) {
        self.ui.side = Side::Narration;
        self.ui.side_scroll = 0;
        self.session.answer = None;
        self.session.entered_step();
        self.refresh();
    }

    pub(super) fn answer(&mut self, choice: usize) {
        let quiz = &self.session.quiz;
        if quiz.answered.as_ref().is_some_and(|(_, a)| a.correct) {
            return;
        }
        let Some(player) = self.session.player_mut() else {
            return;
        };
        match player.answer(choice) {
            Ok(answered) => {
                self.session.quiz.answered = Some((choice, answered));
                self.refresh();
            }
            Err(PlayError::NoSuchChoice { .. }) => {}
            Err(e) => self.ui.say(Tone::Info, e.to_string()),
        }
    }

    /// → after answering: the question closes and the next step comes. A wrong first answer
    /// has already been scored; the right one is given so the lesson can go on.
    pub(super) fn go_on(&mut self) {
        let Some((_, answered)) = self.session.quiz.answered.take() else {
            return;
        };
        if let Some(player) = self.session.player_mut()
            && player.question().is_some()
        {
            let _ = player.answer(answered.right);
        }
        self.ui.overlay = None;
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
