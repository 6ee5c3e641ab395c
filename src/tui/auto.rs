//! `--auto`: a lesson that plays by itself for a class. The countdown runs down in slices of at
//! most a second, so the title bar can show it; `p` pauses and resumes it, ← pauses it, an
//! answered question stays up for a full interval, and a page whose narration has more below is
//! scrolled before it is left. Keys always win: the loop hears them between two ticks.

use super::app::{App, Mode};
use super::state::{Side, Tone};
use std::time::Duration;

/// The longest wait between two redraws of the countdown.
pub const SLICE: Duration = Duration::from_secs(1);

/// Where `--auto` is in its interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Countdown {
    /// Time left before the next move; `None` for a whole interval.
    pub left: Option<Duration>,
    pub paused: bool,
}

impl App {
    /// The time left before `--auto` moves on, when it is counting down: not paused, and with
    /// something to move to (a step, a page of narration, an answered question to close).
    pub fn auto_left(&self) -> Option<Duration> {
        let every = self.ui.auto?;
        let player = self.session.player()?;
        if self.ui.countdown.paused {
            return None;
        }
        let waiting = match self.mode() {
            // At the last step too while its question is still to be asked.
            Mode::Lab => !player.at_end() || player.question().is_some() || self.narration_below(),
            // A question waits until someone answers it (or gives up).
            Mode::Question => self.session.quiz.answered.is_some(),
            _ => false,
        };
        waiting.then(|| self.ui.countdown.left.unwrap_or(every))
    }

    /// How long to wait for input before a [`super::Message::Tick`]; `None` blocks until input comes.
    pub fn wait(&self) -> Option<Duration> {
        self.auto_left().map(|left| left.min(SLICE))
    }

    /// A slice of the interval has passed with no input: count down, and at zero move on.
    pub(super) fn tick(&mut self) {
        let Some(left) = self.auto_left() else {
            return;
        };
        let left = left.saturating_sub(left.min(SLICE));
        if !left.is_zero() {
            self.ui.countdown.left = Some(left);
            return;
        }
        self.ui.countdown.left = None;
        match self.mode() {
            Mode::Question => self.go_on(),
            Mode::Lab if self.narration_below() => {
                let page = self.layout.borrow().areas.side.map_or(1, |r| r.height);
                self.scroll_side(i32::from(page.saturating_sub(3).max(1)));
            }
            Mode::Lab => self.next_step(),
            _ => {}
        }
    }

    /// The narration on screen has lines below what the side panel shows.
    fn narration_below(&self) -> bool {
        self.ui.side == Side::Narration && self.ui.side_scroll < self.layout.borrow().side_scroll
    }

    /// `p`: pause or resume `--auto`.
    pub(super) fn toggle_pause(&mut self) {
        if self.ui.auto.is_none() || self.session.player().is_none() {
            self.ui.say(
                Tone::Info,
                "p pauses a lesson that plays by itself: crdt-lab play <lesson> --auto <seconds>",
            );
            return;
        }
        let countdown = &mut self.ui.countdown;
        countdown.paused = !countdown.paused;
        countdown.left = None;
        let said = match countdown.paused {
            true => "auto-advance paused: p resumes it",
            false => "auto-advance resumed: p pauses it",
        };
        self.ui.say(Tone::Info, said);
    }

    /// ←, a jump or a question closed: a teacher takes over, so `--auto` waits until `p`. The
    /// status says so, after what it already says.
    pub(super) fn pause(&mut self) {
        if self.ui.auto.is_none() || self.session.player().is_none() || self.ui.countdown.paused {
            return;
        }
        self.ui.countdown.paused = true;
        self.ui.countdown.left = None;
        let note = "auto-advance paused: p resumes it";
        match &mut self.ui.status {
            Some(status) => status.text.push_str(&format!("   ({note})")),
            None => self.ui.say(Tone::Info, note),
        }
    }

    /// What the title bar says of `--auto`: the countdown, that it is paused, or that it waits;
    /// `short`, in as few words as a narrow title bar has room for.
    pub fn auto_label(&self, short: bool) -> Option<String> {
        self.ui.auto?;
        self.session.player()?;
        let (long, brief) = match self.auto_left() {
            _ if self.ui.countdown.paused => ("⏸ paused (p)".into(), "⏸ paused".into()),
            Some(left) => {
                let secs = left.as_secs_f64().ceil() as u64;
                (format!("▶ {secs}s (p pauses)"), format!("▶ {secs}s"))
            }
            None if self.mode() == Mode::Question => {
                ("▶ auto: answer to go on".into(), "▶ answer".into())
            }
            None if self.session.player()?.at_end() => {
                ("▶ auto: the last step".into(), "▶ end".into())
            }
            None => ("▶ auto".into(), "▶ auto".into()),
        };
        Some(if short { brief } else { long })
    }
}
