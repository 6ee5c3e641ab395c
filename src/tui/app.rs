//! The model and `update` (the Elm architecture). [`App`] is three things kept apart: the
//! [`Session`] (the lab or lesson and what is derived from it), the [`Ui`] state (screen, focus,
//! overlays, scroll offsets, the command line, the status) and the [`Layout`] the last frame
//! measured, which drawing writes and mouse and scroll handling read. A [`Message`] says what
//! happened and [`update`] changes the app for it. Every change to the lab goes through
//! `script::execute` (or the lesson player, which uses it too).

use super::diff::Changes;
use super::layout::{Layout, WIDE};
use super::outcomes::Outcomes;
use super::playback::lesson_item;
use super::session::{Answer, LIVE_TIMELINE, Session, Source};
use super::state::{HomeItem, Overlay, Screen, Side, Status, Target, Tone, Ui};
use super::theme::Theme;
use crate::lab::{Command, Lab, LabView};
use crate::lesson::Player;
use crate::script::render::{self, Style};
use crate::script::{self, Failure, Reply, assist};
use std::cell::RefCell;
use std::collections::BTreeSet;

pub use super::input::Move;

/// Everything that can happen to the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    Next,
    Back,
    /// Open the command line with this text already typed.
    OpenCommand(&'static str),
    FocusNext,
    FocusPrev,
    Undo,
    Redo,
    Compare,
    Timeline,
    Help,
    /// The focused replica's fields in full.
    Details,
    /// The next message in flight, in full.
    NextMessage,
    /// Back (close what is open, leave a lesson for home) or quit.
    Quit,
    /// Ctrl-C: quit at once.
    ForceQuit,
    /// A lesson's first step (its title page), and its last.
    First,
    Last,
    /// `--auto`: pause or resume the countdown.
    Pause,
    /// A question: give up and see the answer.
    GiveUp,
    /// The worked table.
    Worked,
    ScrollPanel(i32),
    ScrollSide(i32),
    ScrollOverlay(i32),
    /// PgUp (-1) and PgDn (+1) on an overlay: a page of what it shows.
    PageOverlay(i32),
    /// Scroll an overlay's table sideways by this many columns.
    ScrollColumns(i32),
    /// Home screen: choose the entry above (-1) or below (+1).
    Select(i32),
    Open,
    Answer(usize),
    /// The resume prompt's answer: go on at the saved step (true) or start over.
    Resume(bool),
    Type(char),
    Cursor(Move),
    Erase,
    EraseForward,
    EraseLine,
    EraseWord,
    HistoryUp,
    HistoryDown,
    Complete,
    Submit,
    CancelInput,
    Click {
        x: u16,
        y: u16,
    },
    Wheel {
        x: u16,
        y: u16,
        delta: i32,
    },
    Resize(u16, u16),
    /// Time passed with no input (`--auto`).
    Tick,
    /// Ctrl-Z: stop the process until the shell's `fg` (the loop asks the terminal).
    Suspend,
    /// Release the mouse to the terminal (to select text), or take it back.
    ToggleMouse,
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// Run the next lines of a multi-line paste.
    PasteStep,
}

/// Which keys apply now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Home,
    /// The prompt to resume a lesson at its saved step.
    Resume,
    Lab,
    Typing,
    Overlay,
    Question,
}

pub struct App {
    pub theme: Theme,
    pub session: Session,
    pub ui: Ui,
    /// What the last frame measured; written by drawing, read by mouse and scroll handling.
    pub layout: RefCell<Layout>,
}

impl App {
    /// A sandbox: a fresh lab, after running `setup` (e.g. `new orset A B C`) through the one door.
    pub fn sandbox(theme: Theme, setup: Option<&str>) -> Result<App, Failure> {
        let mut lab = Lab::new();
        if let Some(line) = setup {
            script::execute(&mut lab, line)?;
        }
        Ok(App::with_lab(theme, lab))
    }

    /// A sandbox on a lab that is already set up (benchmarks build big ones this way).
    pub fn with_lab(theme: Theme, lab: Lab) -> App {
        let mut app = App::blank(theme, Source::Sandbox(lab));
        app.ui.screen = Screen::Lab;
        app.refresh();
        app
    }

    /// The home screen: the built-in lessons (marked done from `done`) and the sandbox.
    pub fn home(theme: Theme, done: BTreeSet<String>) -> App {
        let mut app = App::blank(theme, Source::Sandbox(Lab::new()));
        match crate::lesson::builtin() {
            Ok(lessons) => app.ui.home = lessons.iter().map(|l| lesson_item(l, &done)).collect(),
            Err(e) => app.ui.say(
                Tone::Error,
                format!("the built-in lessons could not be read: {e}"),
            ),
        }
        app.ui.done = done;
        app.ui.home.push(HomeItem {
            title: "Sandbox".into(),
            detail: "a free lab: an OR-Set with replicas A and B; type any command".into(),
            done: false,
            open: Target::Sandbox,
        });
        app.refresh();
        app
    }

    pub(super) fn blank(theme: Theme, source: Source) -> App {
        App {
            theme,
            session: Session::new(source),
            ui: Ui::default(),
            layout: RefCell::new(Layout::default()),
        }
    }

    pub fn lab(&self) -> &Lab {
        self.session.lab()
    }

    pub fn mode(&self) -> Mode {
        if self.ui.resume.is_some() {
            return Mode::Resume;
        }
        match (self.ui.screen, self.ui.overlay, self.ui.typing) {
            (_, Some(Overlay::Question), _) => Mode::Question,
            (_, Some(_), _) => Mode::Overlay,
            (Screen::Home, None, _) => Mode::Home,
            (Screen::Lab, None, true) => Mode::Typing,
            (Screen::Lab, None, false) => Mode::Lab,
        }
    }

    /// Work out again what drawing reads, and keep the focus and scroll offsets in range.
    /// Returns the view as it was.
    pub fn refresh(&mut self) -> LabView {
        self.refresh_after(None)
    }

    /// `refresh` after a command that changed the states of the replicas in `changed` only.
    fn refresh_after(&mut self, changed: Option<&[&str]>) -> LabView {
        let wide = self.ui.size.width >= WIDE && self.lab().history().len() <= LIVE_TIMELINE;
        let timeline = self.ui.overlay == Some(Overlay::Timeline) || wide;
        let before = self.session.refresh_after(timeline, changed);
        let n = self.session.view.replicas.len();
        self.ui.focus = self.ui.focus.min(n.saturating_sub(1));
        self.ui.scroll.resize(n, 0);
        if matches!(self.ui.overlay, Some(Overlay::Replica(k)) if k >= n) {
            self.ui.overlay = None;
        }
        before
    }

    /// The terminal's new size: the layout follows, and so does what depends on it.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.ui.size = ratatui::layout::Rect::new(0, 0, width, height);
        self.refresh();
    }

    /// The focused replica's name.
    pub fn focused(&self) -> Option<&str> {
        self.session.focused(self.ui.focus)
    }

    /// Run one line of the command language, as typed, and show what it did.
    pub fn run_line(&mut self, line: &str) {
        // `:` and `/` open the command line; typed again out of habit, they are not part of the command.
        let line = line.trim_start().trim_start_matches([':', '/']);
        let line = match self.focused() {
            Some(name) => assist::expand_focus(line, name),
            None => line.to_string(),
        };
        if assist::is_quit(&line) {
            self.ui.quit = true;
            return;
        }
        // `go N` moves a lesson's player; a lab without steps refuses it through the one door.
        if let (Some(step), true) = (Player::jump_of(&line), self.session.player().is_some()) {
            self.ui.typing = false;
            self.jump(step);
            return;
        }
        let result = self.session.execute(&line);
        // After a command other than `new`, only the replicas it changed are described again.
        let only = match &result {
            Ok(Reply::Changed { command, applied }) if !command.is_new() => Some(applied.changed()),
            _ => None,
        };
        let only: Option<Vec<&str>> = only.map(Iterator::collect);
        let changes = match &result {
            Ok(Reply::Changed { applied, .. }) => Some(applied.changes.clone()),
            Ok(Reply::Moved(moved)) => Some(moved.changes.clone()),
            Ok(Reply::Replayed { changes, .. }) => Some(changes.clone()),
            Ok(Reply::Loaded { .. }) => Some(vec![]),
            _ => None,
        };
        if let Some(changes) = changes {
            let before = self.refresh_after(only.as_deref());
            let now = &self.session.view;
            self.session.changes = Changes::of(&changes, Some(&before), now);
            self.session.ask_again(line.trim());
        }
        self.show(line.trim(), result);
    }

    fn show(&mut self, line: &str, result: Result<Reply, Failure>) {
        let experiment = match self.session.player() {
            Some(p) if p.at_end() => "  (an experiment: going to another step rolls it back)",
            Some(_) => "  (an experiment: the next step rolls it back)",
            None => "",
        };
        self.ui.status = match result {
            Ok(Reply::Nothing) => None,
            Ok(Reply::Changed { command, applied }) => {
                let mut said = vec![format!("✓ {command}")];
                said.extend(applied.notes.iter().cloned());
                said.extend(applied.deliveries.iter().map(|d| {
                    let what = match d.delta.is_empty() {
                        true => "nothing new".to_string(),
                        false => render::delta(&d.to, &d.delta),
                    };
                    format!("#{} {} → {}: {what}", d.number, d.from, d.to)
                }));
                said.extend(
                    applied
                        .sent
                        .iter()
                        .map(|m| format!("#{} {} → {} is in flight", m.number, m.from, m.to)),
                );
                let tone = match applied.notes.is_empty() {
                    true => Tone::Ok,
                    false => Tone::Note,
                };
                Some(Status::new(
                    tone,
                    format!("{}{experiment}", said.join(": ")),
                ))
            }
            Ok(Reply::Moved(moved)) => Some(Status::new(
                Tone::Info,
                format!("{}{experiment}", render::motion(&moved)),
            )),
            Ok(
                reply @ (Reply::Passed { .. }
                | Reply::Saved { .. }
                | Reply::Loaded { .. }
                | Reply::Exported { path: Some(_), .. }),
            ) => Some(Status::new(
                Tone::Ok,
                format!("✓ {}", render::reply(self.lab(), &reply, Style::Repl)),
            )),
            Ok(Reply::Explored(found)) => {
                self.session.outcomes = Some(Outcomes::new(found));
                self.open_overlay(Overlay::Outcomes);
                None
            }
            Ok(Reply::Compare(rows)) => {
                self.session.compare = rows;
                self.open_overlay(Overlay::Compare);
                None
            }
            Ok(Reply::Help(usages)) if usages.len() > 1 => {
                self.open_overlay(Overlay::Help);
                None
            }
            Ok(reply) => {
                let table = matches!(reply, Reply::State { .. } | Reply::Exported { .. });
                self.session.answer = Some(Answer::new(self.lab(), line, Ok(reply), None));
                if table {
                    self.ui.side = Side::Narration;
                    self.open_overlay(Overlay::Answer);
                } else {
                    self.ui.side = Side::Answer;
                    self.ui.side_scroll = 0;
                }
                None
            }
            Err(failure) => Some(Status::new(Tone::Error, format!("✗ error: {failure}"))),
        };
    }

    pub fn open_overlay(&mut self, overlay: Overlay) {
        self.ui.overlay = Some(overlay);
        self.ui.overlay_scroll = match overlay {
            Overlay::Timeline => usize::MAX,
            _ => 0,
        };
        self.ui.overlay_column = 0;
        self.refresh();
    }

    /// `c`: the compare view, answered through the one door like a typed `compare`.
    pub fn compare(&mut self) {
        let result = self.session.execute("compare");
        self.show("compare", result);
    }

    /// `m`: the next message in flight in full, as `show #n` answers it.
    fn next_message(&mut self) {
        let wire = &self.session.view.wire;
        let shown = match (&self.session.answer, self.ui.side) {
            (
                Some(Answer {
                    result: Ok(Reply::Message(m)),
                    ..
                }),
                Side::Answer,
            ) => Some(m.number),
            _ => None,
        };
        let next = wire
            .iter()
            .find(|m| shown.is_some_and(|n| m.number > n))
            .or(wire.first());
        match next.map(|m| m.number) {
            Some(n) => self.run_line(&format!("show #{n}")),
            None => self.ui.say(
                Tone::Info,
                "no message is in flight: send one with send A B",
            ),
        }
    }

    fn toggle_overlay(&mut self, overlay: Overlay) {
        if self.ui.overlay == Some(overlay) {
            self.ui.overlay = None;
        } else {
            self.open_overlay(overlay);
        }
    }

    /// The usage of the command being typed, for the hint after the cursor.
    pub fn hint(&self) -> Option<&'static str> {
        assist::hint(self.ui.input.text())
    }

    fn quit_or_back(&mut self) {
        if self.ui.side == Side::Answer {
            self.ui.side = Side::Narration;
            self.ui.side_scroll = 0;
            self.session.answer = None;
        } else if self.ui.from_home {
            self.ui.screen = Screen::Home;
            self.ui.status = None;
        } else {
            self.ui.quit = true;
        }
    }

    /// ↑ ↓ in the outcomes view: choose another outcome, kept in sight.
    pub(super) fn choose_outcome(&mut self, delta: i32) {
        let Some(o) = self.session.outcomes.as_mut() else {
            return;
        };
        o.choose(delta);
        let chosen = o.chosen;
        let width = self.ui.size.width.saturating_sub(2);
        let starts = super::outcomes::starts(self, width);
        let line = starts.get(chosen).copied().unwrap_or(0);
        let height = usize::from(self.ui.size.height.saturating_sub(5)).max(2);
        let scroll = &mut self.ui.overlay_scroll;
        if line < *scroll + 2 {
            *scroll = line.saturating_sub(2);
        } else if line + 1 >= *scroll + height {
            *scroll = line + 2 - height;
        }
    }

    /// Enter (or a click) on an outcome: replay its schedule, typed as `explore --replay k`
    /// through the one command path.
    pub(super) fn replay_outcome(&mut self) {
        let Some(line) = self.session.outcomes.as_ref().map(|o| o.replay_line()) else {
            return;
        };
        self.ui.overlay = None;
        self.session.outcomes = None;
        self.run_line(&line);
    }

    /// A click in the outcomes view: the outcome on that line is chosen and replayed.
    fn click_outcome(&mut self, y: u16) {
        // The list's inside starts under the title bar and the overlay's border.
        let scroll = self
            .ui
            .overlay_scroll
            .min(self.layout.borrow().overlay_scroll);
        let line = (usize::from(y) + scroll).checked_sub(2);
        let width = self.ui.size.width.saturating_sub(2);
        let Some(k) = line.and_then(|l| super::outcomes::at_line(self, width, l)) else {
            return;
        };
        if let Some(o) = self.session.outcomes.as_mut() {
            o.chosen = k;
        }
        self.replay_outcome();
    }

    fn close_overlay(&mut self) {
        if self.ui.overlay == Some(Overlay::Answer) {
            self.session.answer = None;
        }
        self.ui.overlay = None;
    }

    fn open_home_item(&mut self) {
        let Some(item) = self.ui.home.get(self.ui.selected) else {
            return;
        };
        match item.open.clone() {
            Target::Sandbox => {
                self.session = Session::new(Source::Sandbox(Lab::new()));
                self.enter_lab();
            }
            Target::Lesson(name) => match crate::lesson::find(&name) {
                Ok(lesson) => self.open_lesson(lesson),
                Err(e) => self.ui.say(Tone::Error, e.to_string()),
            },
        }
        self.ui.from_home = true;
        self.offer_resume();
    }

    pub(super) fn enter_lab(&mut self) {
        self.ui.screen = Screen::Lab;
        self.ui.from_home = true;
        self.ui.side = Side::Narration;
        self.session.changes = Changes::default();
        self.ui.status = None;
        self.ui.focus = 0;
        self.refresh();
    }

    fn scroll_panel(&mut self, replica: usize, delta: i32) {
        let most = self.layout.borrow().panel_limit(replica);
        if let Some(offset) = self.ui.scroll.get_mut(replica) {
            *offset = step(*offset, delta).min(most);
        }
    }

    pub(super) fn scroll_side(&mut self, delta: i32) {
        let most = self.layout.borrow().side_scroll;
        self.ui.side_scroll = step(self.ui.side_scroll, delta).min(most);
    }

    fn scroll_overlay(&mut self, delta: i32) {
        let most = self.layout.borrow().overlay_scroll;
        self.ui.overlay_scroll = step(self.ui.overlay_scroll.min(most), delta).min(most);
    }

    /// The lines a page of the open overlay holds: its box less the borders, a line kept in
    /// sight, and the timeline's legend.
    fn overlay_page(&self) -> i32 {
        let body = self.layout.borrow().areas.body.height;
        let legend = if self.ui.overlay == Some(Overlay::Timeline) {
            3
        } else {
            0
        };
        i32::from(body.saturating_sub(3 + legend).max(1))
    }

    fn scroll_columns(&mut self, delta: i32) {
        let most = self.layout.borrow().overlay_columns;
        self.ui.overlay_column = step(self.ui.overlay_column, delta).min(most);
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.ui.screen == Screen::Lab && self.ui.overlay == Some(Overlay::Worked) {
            return self.click_worked(y);
        }
        if self.ui.screen == Screen::Lab && self.ui.overlay == Some(Overlay::Outcomes) {
            return self.click_outcome(y);
        }
        if self.ui.screen != Screen::Lab || self.ui.overlay.is_some() {
            return;
        }
        if let Some(step) = self.step_at(x, y) {
            return self.jump(step);
        }
        let layout = self.layout.borrow();
        let (panel, message) = (layout.panel_at(x, y), layout.message_at(x, y));
        let command = layout
            .areas
            .command
            .contains(ratatui::layout::Position::new(x, y));
        drop(layout);
        if let Some(k) = panel {
            self.ui.focus = k;
        } else if let Some(n) = message {
            self.run_line(&format!("show #{n}"));
        } else if command && !self.ui.typing {
            self.ui.typing = true;
            self.ui.input.open("");
        }
    }

    /// A click on the worked table: the row under it is chosen, and its step shown.
    fn click_worked(&mut self, y: u16) {
        // The table's inside starts under the title bar and the overlay's border.
        let scroll = self
            .ui
            .overlay_scroll
            .min(self.layout.borrow().overlay_scroll);
        let line = (usize::from(y) + scroll).checked_sub(2);
        if let Some(row) = line.and_then(|l| self.session.worked.row_at(l)) {
            self.session.worked.chosen = row;
            self.jump_to_row(row);
        }
    }

    /// In a lesson, the step of the history entry drawn at a point: the step it belongs to.
    fn step_at(&self, x: u16, y: u16) -> Option<usize> {
        self.session.player()?;
        let area = self.layout.borrow().areas.history;
        let inside = x > area.x && x + 1 < area.right() && y > area.y && y + 1 < area.bottom();
        if !inside {
            return None;
        }
        let lab = self.lab();
        let (log, position) = (lab.log(), lab.position());
        let height = usize::from(area.height.saturating_sub(2));
        let start = super::layout::history_start(position, log.len(), height);
        let k = start + usize::from(y - area.y - 1);
        let entries = log.get(..=k)?;
        Some(
            entries
                .iter()
                .filter(|e| matches!(e.command, Command::Step(_)))
                .count(),
        )
    }

    fn wheel(&mut self, x: u16, y: u16, delta: i32) {
        if self.ui.overlay.is_some() {
            self.scroll_overlay(delta);
            return;
        }
        if self.ui.screen != Screen::Lab {
            return;
        }
        let layout = self.layout.borrow();
        let panel = layout.panel_at(x, y);
        let at = ratatui::layout::Position::new(x, y);
        let side = layout.areas.side.is_some_and(|r| r.contains(at));
        drop(layout);
        if let Some(k) = panel {
            self.ui.focus = k;
            self.scroll_panel(k, delta);
        } else if side {
            self.scroll_side(delta);
        }
    }
}

fn step(offset: usize, delta: i32) -> usize {
    let magnitude = delta.unsigned_abs() as usize;
    if delta < 0 {
        offset.saturating_sub(magnitude)
    } else {
        offset.saturating_add(magnitude)
    }
}

/// Change the app for one message.
pub fn update(app: &mut App, message: Message) {
    match message {
        Message::ForceQuit => app.ui.quit = true,
        Message::Suspend => app.ui.requests.push(super::state::Request::Suspend),
        Message::ToggleMouse => super::conventions::toggle_mouse(app),
        Message::Paste(text) => super::paste::paste(app, &text),
        Message::PasteStep => super::paste::step(app),
        Message::Quit | Message::CancelInput if super::paste::pending(app) => {
            super::paste::stop(app)
        }
        Message::Resize(w, h) => app.resize(w, h),
        Message::Click { x, y } => app.click(x, y),
        Message::Wheel { x, y, delta } => app.wheel(x, y, delta),
        other => match app.mode() {
            Mode::Resume => super::resume::update(app, other),
            Mode::Home => home(app, other),
            Mode::Typing => typing(app, other),
            Mode::Overlay => overlay(app, other),
            Mode::Question => question(app, other),
            Mode::Lab => lab(app, other),
        },
    }
    app.keep_progress();
}

fn home(app: &mut App, message: Message) {
    match message {
        Message::Select(delta) => {
            let last = app.ui.home.len().saturating_sub(1);
            app.ui.selected = step(app.ui.selected, delta).min(last);
        }
        Message::Open => app.open_home_item(),
        Message::Help => app.open_overlay(Overlay::Help),
        Message::Quit => app.ui.quit = true,
        _ => {}
    }
}

fn lab(app: &mut App, message: Message) {
    let lesson = app.session.player().is_some();
    match message {
        Message::Tick => app.tick(),
        Message::Next if lesson => app.next_step(),
        Message::Back if lesson => {
            app.previous_step();
            app.pause();
        }
        Message::First if lesson => app.jump(0),
        Message::Last if lesson => {
            let last = app.session.player().map_or(0, |p| p.step_count());
            app.jump(last);
        }
        Message::First | Message::Last => app.ui.say(
            Tone::Info,
            "the sandbox has no steps: Home/End and g/G move through a lesson",
        ),
        Message::Pause => app.toggle_pause(),
        Message::Worked => app.open_worked(),
        Message::Next | Message::Redo => app.run_line("redo"),
        Message::Back | Message::Undo => app.run_line("undo"),
        Message::OpenCommand(prefill) => {
            app.ui.typing = true;
            app.ui.input.open(prefill);
        }
        Message::FocusNext | Message::FocusPrev => {
            let n = app.session.view.replicas.len().max(1);
            let by = if message == Message::FocusNext {
                1
            } else {
                n - 1
            };
            app.ui.focus = (app.ui.focus + by) % n;
        }
        Message::Compare => app.compare(),
        Message::Timeline => app.open_overlay(Overlay::Timeline),
        Message::Help => app.open_overlay(Overlay::Help),
        Message::Details if !app.session.view.replicas.is_empty() => {
            app.open_overlay(Overlay::Replica(app.ui.focus))
        }
        Message::NextMessage => app.next_message(),
        Message::Quit => app.quit_or_back(),
        Message::ScrollPanel(delta) => app.scroll_panel(app.ui.focus, delta),
        Message::ScrollSide(delta) => app.scroll_side(delta),
        _ => {}
    }
}

fn question(app: &mut App, message: Message) {
    match message {
        Message::Answer(choice) => app.answer(choice),
        Message::GiveUp => app.give_up(),
        Message::ScrollOverlay(delta) => app.scroll_overlay(delta),
        Message::Next => app.go_on(),
        Message::Tick => app.tick(),
        Message::Pause => app.toggle_pause(),
        Message::Back => {
            app.ui.overlay = None;
            app.previous_step();
            app.pause();
        }
        // Esc: the question closes (→ asks it again); a teacher has taken over from --auto.
        Message::CancelInput => {
            app.ui.overlay = None;
            app.pause();
        }
        Message::Quit => {
            app.ui.overlay = None;
            app.quit_or_back();
        }
        _ => {}
    }
}

fn overlay(app: &mut App, message: Message) {
    let worked = app.ui.overlay == Some(Overlay::Worked);
    let outcomes = app.ui.overlay == Some(Overlay::Outcomes);
    match message {
        Message::Quit => app.close_overlay(),
        Message::Open if outcomes => app.replay_outcome(),
        Message::ScrollOverlay(delta) if outcomes => app.choose_outcome(delta),
        Message::PageOverlay(pages) if outcomes => app.choose_outcome(pages * app.overlay_page()),
        Message::Open if worked => {
            let row = app.session.worked.chosen;
            app.ui.overlay = None;
            app.jump_to_row(row);
        }
        Message::Open => app.close_overlay(),
        Message::ScrollOverlay(delta) if worked => app.choose_row(delta),
        Message::Worked if worked => app.ui.overlay = None,
        Message::Worked => app.open_worked(),
        Message::ScrollOverlay(delta) => app.scroll_overlay(delta),
        Message::PageOverlay(pages) if worked => app.choose_row(pages * app.overlay_page()),
        Message::PageOverlay(pages) => app.scroll_overlay(pages * app.overlay_page()),
        Message::ScrollColumns(delta) => app.scroll_columns(delta),
        Message::Compare if app.ui.overlay == Some(Overlay::Compare) => app.ui.overlay = None,
        Message::Compare => app.compare(),
        Message::Timeline => app.toggle_overlay(Overlay::Timeline),
        Message::Help => app.toggle_overlay(Overlay::Help),
        _ => {}
    }
}

fn typing(app: &mut App, message: Message) {
    let ui = &mut app.ui;
    match message {
        Message::Type(c) => ui.input.insert(c),
        Message::Cursor(to) => ui.input.move_cursor(to),
        Message::Erase => ui.input.erase(),
        Message::EraseForward => ui.input.erase_forward(),
        Message::EraseLine => ui.input.erase_line(),
        Message::EraseWord => ui.input.erase_word(),
        Message::HistoryUp => ui.input.older(),
        Message::HistoryDown => ui.input.newer(),
        Message::CancelInput => {
            ui.input.erase_line();
            ui.typing = false;
        }
        Message::Complete => {
            let line = app.ui.input.text().to_string();
            let found = assist::complete(app.lab(), &line, app.ui.input.cursor_byte());
            if let Some(choices) = app.ui.input.complete(found) {
                app.ui.say(Tone::Info, choices.join("  "));
            }
        }
        Message::Submit => {
            let input = &app.ui.input;
            let again = input.history().last().map(String::as_str) == Some(input.text());
            let line = app.ui.input.take();
            if line.trim().is_empty() {
                app.ui.typing = false;
            } else {
                app.run_line(&line);
                if !again {
                    super::conventions::remember(app, &line);
                }
            }
        }
        _ => {}
    }
}
