//! The UI's own state: which screen and what covers it, the focus, the command line, the status
//! line, scroll offsets and the home screen's entries. Nothing here is derived from the lab.

use super::input::InputLine;
use ratatui::layout::Rect;
use std::collections::BTreeSet;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Lab,
}

/// What covers the lab screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Compare,
    Timeline,
    Question,
    /// A table answer (`show`, `export md`) over the whole body.
    Answer,
    /// One replica's fields in full, every entry whole.
    Replica(usize),
    /// The history as the seeds' worked table (`w`), a row chosen.
    Worked,
    /// `explore`'s distinct outcomes, one chosen; Enter replays its schedule.
    Outcomes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Ok,
    Note,
    Error,
}

/// The one-line answer to the last thing done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub tone: Tone,
    pub text: String,
}

impl Status {
    pub fn new(tone: Tone, text: impl Into<String>) -> Status {
        Status {
            tone,
            text: text.into(),
        }
    }
}

/// What the side panel shows: the narration (or sandbox tips), or the answer to a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Narration,
    Answer,
}

/// An entry of the home screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeItem {
    pub title: String,
    pub detail: String,
    pub done: bool,
    pub open: Target,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Lesson(String),
    Sandbox,
}

/// Everything the UI keeps for itself.
#[derive(Clone, Debug)]
pub struct Ui {
    pub screen: Screen,
    /// The lab was opened from the home screen, so q goes back there.
    pub from_home: bool,
    pub overlay: Option<Overlay>,
    pub typing: bool,
    pub input: InputLine,
    pub status: Option<Status>,
    pub focus: usize,
    /// Scroll offset of each replica panel, in lines.
    pub scroll: Vec<usize>,
    pub side: Side,
    pub side_scroll: usize,
    pub overlay_scroll: usize,
    /// How many table columns the open overlay is scrolled sideways.
    pub overlay_column: usize,
    pub home: Vec<HomeItem>,
    pub selected: usize,
    /// Lessons played to their last step (saved between runs by the terminal face).
    pub done: BTreeSet<String>,
    /// Every lesson's progress, as recorded after each message (see `resume`).
    pub progress: crate::progress::Progress,
    /// Where progress is saved: attached by the terminal face only.
    pub store: Option<crate::progress::Store>,
    /// The last problem with the progress file, said again on stderr when the TUI ends.
    pub progress_warning: Option<String>,
    /// The resume prompt waits, offering this step.
    pub resume: Option<usize>,
    /// The terminal's size.
    pub size: Rect,
    pub quit: bool,
    pub auto: Option<Duration>,
    /// Whether the terminal sends mouse events (off: the terminal's own text selection works).
    pub mouse: bool,
    /// What the app asks of the terminal, for the loop to carry out after this update.
    pub requests: Vec<Request>,
    /// Lines entered are appended to the shared history file (the terminal face only).
    pub keep_history: bool,
    /// A multi-line paste still running.
    pub batch: Option<super::paste::Batch>,
    /// Where `--auto` is in its interval, and whether it is paused.
    pub countdown: super::auto::Countdown,
}

/// What the app asks of the terminal itself; the run loop hands these to the event source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Ctrl-Z: give the terminal back and stop the process until `fg`.
    Suspend,
    /// Take mouse events (true) or leave the mouse to the terminal (false).
    Mouse(bool),
}

impl Default for Ui {
    fn default() -> Ui {
        Ui {
            screen: Screen::Home,
            from_home: false,
            overlay: None,
            typing: false,
            input: InputLine::default(),
            status: None,
            focus: 0,
            scroll: vec![],
            side: Side::Narration,
            side_scroll: 0,
            overlay_scroll: 0,
            overlay_column: 0,
            home: vec![],
            selected: 0,
            done: BTreeSet::new(),
            progress: Default::default(),
            store: None,
            progress_warning: None,
            resume: None,
            size: Rect::new(0, 0, 80, 24),
            quit: false,
            auto: None,
            mouse: true,
            requests: vec![],
            keep_history: false,
            batch: None,
            countdown: Default::default(),
        }
    }
}

impl Ui {
    pub fn say(&mut self, tone: Tone, text: impl Into<String>) {
        self.status = Some(Status::new(tone, text));
    }
}
