//! The model and `update` (the Elm architecture): [`App`] holds what is on screen, a
//! [`Message`] says what happened, and [`update`] changes the one into the next. Every change
//! to the lab goes through `script::execute` (or the lesson player, which uses it too).

use super::diff::Changes;
use super::input::{InputLine, Move};
use super::markdown::{self, Block};
use super::playback::lesson_item;
use super::theme::Theme;
use super::ui;
use crate::lab::{Comparison, Lab, LabView, Timeline};
use crate::lesson::{Answered, Player};
use crate::script::render::{self, Style};
use crate::script::{self, Failure, Reply, Usage, assist};
use ratatui::layout::{Position, Rect};
use std::collections::BTreeSet;
use std::time::Duration;

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
    /// Back (close what is open, leave a lesson for home) or quit.
    Quit,
    /// Ctrl-C: quit at once.
    ForceQuit,
    ScrollPanel(i32),
    ScrollSide(i32),
    ScrollOverlay(i32),
    /// Home screen: choose the entry above (-1) or below (+1).
    Select(i32),
    Open,
    Answer(usize),
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
}

/// Which keys apply now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Home,
    Lab,
    Typing,
    Overlay,
    Question,
}

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

/// What the side panel shows: the narration (or sandbox tips), or the answer to a query.
#[derive(Clone, Debug, PartialEq)]
pub enum Side {
    Narration,
    Output { title: String, reply: Box<Reply> },
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

/// The lab being shown: a free one, or a lesson's (through its player).
pub enum Session {
    Sandbox(Lab),
    Lesson(Box<Player>),
}

impl Session {
    pub fn lab(&self) -> &Lab {
        match self {
            Session::Sandbox(lab) => lab,
            Session::Lesson(player) => player.lab(),
        }
    }

    /// A typed line: straight to the lab in the sandbox, an experiment in a lesson.
    fn execute(&mut self, line: &str) -> Result<Reply, Failure> {
        match self {
            Session::Sandbox(lab) => script::execute(lab, line),
            Session::Lesson(player) => player.experiment(line),
        }
    }

    /// The lesson's name, title and (step, steps), if this is a lesson.
    pub fn lesson(&self) -> Option<(&str, &str, usize, usize)> {
        match self {
            Session::Sandbox(_) => None,
            Session::Lesson(p) => Some((
                &p.lesson().name,
                &p.lesson().title,
                p.step(),
                p.step_count(),
            )),
        }
    }

    pub fn player(&self) -> Option<&Player> {
        match self {
            Session::Lesson(player) => Some(player),
            Session::Sandbox(_) => None,
        }
    }
}

pub struct App {
    pub theme: Theme,
    pub screen: Screen,
    /// The lab was opened from the home screen, so q goes back there.
    pub from_home: bool,
    pub session: Session,
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
    pub home: Vec<HomeItem>,
    pub selected: usize,
    /// The terminal's size, for the layout that mouse clicks are matched against.
    pub size: Rect,
    pub quit: bool,
    pub auto: Option<Duration>,
    /// Derived from the lab after every change, so drawing a frame only reads.
    pub view: LabView,
    pub changes: Changes,
    pub narration: Vec<Block>,
    pub compare: Vec<Comparison>,
    pub timeline: Timeline,
    pub table: &'static [Usage],
    /// The answer given to the question on screen, once given.
    pub answered: Option<(usize, Answered)>,
    /// The question on screen and its explanation, read from Markdown.
    pub prompt: Vec<Block>,
    pub explanation: Vec<Block>,
    /// What the queries of the step just entered answered (lookup, explain ...), by line.
    pub step_output: Vec<(String, Reply)>,
    /// Lessons played to their last step (saved between runs by the terminal face).
    pub done: BTreeSet<String>,
}

/// The longest history the wide screen's timeline follows after every command; longer ones are
/// drawn when `t` opens the timeline.
pub const LIVE_TIMELINE: usize = 2_000;

/// What the sandbox's side panel says before anything is asked.
pub const SANDBOX_TIPS: &str = "**The sandbox.** Type `:` then a command, for example:\n\n\
- `A add x` — add on replica A (or Tab to a replica, then `a x`)\n\
- `B merge A` — B absorbs A's state\n\
- `partition A | B`, `send A B`, `deliver`, `heal`\n\
- `new lww A B C` — start over with another type\n\n\
Press `c` to compare every type, `t` for the timeline, `?` for help.";

impl App {
    /// A sandbox: a fresh lab, after running `setup` (e.g. `new orset A B C`) through the one door.
    pub fn sandbox(theme: Theme, setup: Option<&str>) -> Result<App, String> {
        let mut lab = Lab::new();
        if let Some(line) = setup {
            script::execute(&mut lab, line).map_err(|e| e.to_string())?;
        }
        let mut app = App::blank(theme, Session::Sandbox(lab));
        app.screen = Screen::Lab;
        app.refresh();
        Ok(app)
    }

    /// A sandbox on a lab that is already set up (benchmarks build big ones this way).
    pub fn with_lab(theme: Theme, lab: Lab) -> App {
        let mut app = App::blank(theme, Session::Sandbox(lab));
        app.screen = Screen::Lab;
        app.refresh();
        app
    }

    /// The home screen: the built-in lessons (marked done from `done`) and the sandbox.
    pub fn home(theme: Theme, done: BTreeSet<String>) -> App {
        let mut app = App::blank(theme, Session::Sandbox(Lab::new()));
        match crate::lesson::builtin() {
            Ok(lessons) => app.home = lessons.iter().map(|l| lesson_item(l, &done)).collect(),
            Err(e) => {
                app.status = Some(Status {
                    tone: Tone::Error,
                    text: format!("the built-in lessons could not be read: {e}"),
                })
            }
        }
        app.done = done;
        app.home.push(HomeItem {
            title: "Sandbox".into(),
            detail: "a free lab: an OR-Set with replicas A and B; type any command".into(),
            done: false,
            open: Target::Sandbox,
        });
        app.refresh();
        app
    }

    pub(super) fn blank(theme: Theme, session: Session) -> App {
        let view = session.lab().view();
        App {
            theme,
            screen: Screen::Home,
            from_home: false,
            session,
            overlay: None,
            typing: false,
            input: InputLine::default(),
            status: None,
            focus: 0,
            scroll: vec![],
            side: Side::Narration,
            side_scroll: 0,
            overlay_scroll: 0,
            home: vec![],
            selected: 0,
            size: Rect::new(0, 0, 80, 24),
            quit: false,
            auto: None,
            view,
            changes: Changes::default(),
            narration: vec![],
            compare: vec![],
            timeline: Timeline::default(),
            table: script::command_table(),
            answered: None,
            prompt: vec![],
            explanation: vec![],
            step_output: vec![],
            done: BTreeSet::new(),
        }
    }

    pub fn lab(&self) -> &Lab {
        self.session.lab()
    }

    pub fn mode(&self) -> Mode {
        match (self.screen, self.overlay, self.typing) {
            (_, Some(Overlay::Question), _) => Mode::Question,
            (_, Some(_), _) => Mode::Overlay,
            (Screen::Home, None, _) => Mode::Home,
            (Screen::Lab, None, true) => Mode::Typing,
            (Screen::Lab, None, false) => Mode::Lab,
        }
    }

    /// How long to wait for input before a [`Message::Tick`]; `None` blocks until input comes.
    pub fn wait(&self) -> Option<Duration> {
        let auto = self.auto?;
        let player = self.session.player()?;
        let waiting = match self.mode() {
            Mode::Lab => !player.at_end(),
            // Paused on a question until someone answers it.
            Mode::Question => self.answered.is_some(),
            _ => false,
        };
        waiting.then_some(auto)
    }

    /// Recompute what drawing reads: the view, what changed, the narration, the scroll offsets.
    pub fn refresh(&mut self) {
        self.view = self.session.lab().view();
        let n = self.view.replicas.len();
        self.focus = self.focus.min(n.saturating_sub(1));
        self.scroll.resize(n, 0);
        self.narration = markdown::parse(&self.narration_text());
        let live = self.size.width >= ui::WIDE && self.lab().history().len() <= LIVE_TIMELINE;
        if self.overlay == Some(Overlay::Timeline) || live {
            self.timeline = self.session.lab().timeline();
        } else {
            self.timeline = Timeline::default();
        }
        self.explanation = self
            .answered
            .as_ref()
            .map(|(_, a)| markdown::parse(&a.explanation))
            .unwrap_or_default();
    }

    fn narration_text(&self) -> String {
        match &self.session {
            Session::Sandbox(_) => SANDBOX_TIPS.to_string(),
            Session::Lesson(p) if p.step() == 0 => {
                format!(
                    "## {}\n\n{}\n\n*Press → to begin.*",
                    p.title(),
                    p.narration()
                )
            }
            Session::Lesson(p) => {
                let end = if p.at_end() {
                    "\n\n*The last step: q leaves, ← goes back.*"
                } else {
                    ""
                };
                let mut text = format!("## {}. {}{end}\n\n{}", p.step(), p.title(), p.narration());
                for (line, reply) in &self.step_output {
                    let output = render::reply(p.lab(), reply, Style::Repl);
                    text.push_str(&format!("\n\n**{line}**\n\n```\n{output}\n```"));
                }
                text
            }
        }
    }

    /// The terminal's new size: the layout follows, and so does what depends on it.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        self.refresh();
    }

    /// The focused replica's name.
    pub fn focused(&self) -> Option<&str> {
        self.view.replicas.get(self.focus).map(|r| r.name.as_str())
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
            self.quit = true;
            return;
        }
        let result = self.session.execute(&line);
        let changed = match &result {
            Ok(Reply::Changed { applied, .. }) => Some(Changes::of(&applied.changes)),
            Ok(Reply::Moved(moved)) => Some(Changes::of(&moved.changes)),
            _ => None,
        };
        if let Some(changes) = changed {
            self.changes = changes;
        }
        self.refresh();
        self.show(&line, result);
    }

    fn show(&mut self, line: &str, result: Result<Reply, Failure>) {
        let status = |tone, text: String| Some(Status { tone, text });
        let lesson = self.session.player().is_some();
        let experiment = "  (an experiment: the next step rolls it back)";
        self.status = match result {
            Ok(Reply::Nothing) => None,
            Ok(Reply::Changed { command, applied }) => {
                let mut said = vec![format!("✓ {command}")];
                said.extend(applied.notes.iter().cloned());
                said.extend(applied.deliveries.iter().map(|d| match d.delta.is_empty() {
                    true => format!("#{} {} → {}: nothing new", d.number, d.from, d.to),
                    false => format!(
                        "#{} {} → {}: {}",
                        d.number,
                        d.from,
                        d.to,
                        render::delta(&d.to, &d.delta)
                    ),
                }));
                said.extend(
                    applied
                        .sent
                        .iter()
                        .map(|m| format!("#{} {} → {} is in flight", m.number, m.from, m.to)),
                );
                let tone = if applied.notes.is_empty() {
                    Tone::Ok
                } else {
                    Tone::Note
                };
                let tail = if lesson { experiment } else { "" };
                status(tone, format!("{}{tail}", said.join(": ")))
            }
            Ok(Reply::Moved(moved)) => {
                let tail = if lesson { experiment } else { "" };
                status(Tone::Info, format!("{}{tail}", render::motion(&moved)))
            }
            Ok(reply @ (Reply::Passed { .. } | Reply::Saved { .. } | Reply::Loaded { .. })) => {
                status(
                    Tone::Ok,
                    format!("✓ {}", render::reply(self.lab(), &reply, Style::Repl)),
                )
            }
            Ok(Reply::Compare(rows)) => {
                self.compare = rows;
                self.open_overlay(Overlay::Compare);
                None
            }
            Ok(Reply::Help(usages)) if usages.len() > 1 => {
                self.open_overlay(Overlay::Help);
                None
            }
            Ok(reply) => {
                self.side = Side::Output {
                    title: line.trim().to_string(),
                    reply: Box::new(reply),
                };
                self.side_scroll = 0;
                None
            }
            Err(failure) => status(Tone::Error, format!("✗ error: {failure}")),
        };
    }

    pub fn open_overlay(&mut self, overlay: Overlay) {
        self.overlay = Some(overlay);
        self.overlay_scroll = if overlay == Overlay::Timeline {
            usize::MAX
        } else {
            0
        };
        self.refresh();
    }

    /// `c`: the compare view, answered through the one door like a typed `compare`.
    pub fn compare(&mut self) {
        let result = self.session.execute("compare");
        self.show("compare", result);
    }

    fn toggle_overlay(&mut self, overlay: Overlay) {
        if self.overlay == Some(overlay) {
            self.overlay = None;
        } else {
            self.open_overlay(overlay);
        }
    }

    /// The usage of the command being typed, for the hint after the cursor.
    pub fn hint(&self) -> Option<&'static str> {
        assist::hint(self.input.text())
    }

    fn quit_or_back(&mut self) {
        if matches!(self.side, Side::Output { .. }) {
            self.side = Side::Narration;
            self.side_scroll = 0;
        } else if self.from_home {
            self.screen = Screen::Home;
            self.status = None;
        } else {
            self.quit = true;
        }
    }

    fn open_home_item(&mut self) {
        let Some(item) = self.home.get(self.selected) else {
            return;
        };
        match item.open.clone() {
            Target::Sandbox => {
                self.session = Session::Sandbox(Lab::new());
                self.enter_lab();
            }
            Target::Lesson(name) => match crate::lesson::find(&name) {
                Ok(lesson) => self.open_lesson(lesson),
                Err(e) => {
                    self.status = Some(Status {
                        tone: Tone::Error,
                        text: e.to_string(),
                    })
                }
            },
        }
        self.from_home = true;
    }

    pub(super) fn enter_lab(&mut self) {
        self.screen = Screen::Lab;
        self.from_home = true;
        self.side = Side::Narration;
        self.changes = Changes::default();
        self.status = None;
        self.focus = 0;
        self.refresh();
    }

    fn scroll_panel(&mut self, replica: usize, delta: i32) {
        let most = ui::panel_scroll_limit(self, replica);
        if let Some(offset) = self.scroll.get_mut(replica) {
            *offset = step(*offset, delta).min(most);
        }
    }

    fn scroll_side(&mut self, delta: i32) {
        self.side_scroll = step(self.side_scroll, delta).min(ui::side_scroll_limit(self));
    }

    fn scroll_overlay(&mut self, delta: i32) {
        let most = ui::overlay_scroll_limit(self);
        self.overlay_scroll = step(self.overlay_scroll.min(most), delta).min(most);
    }

    fn click(&mut self, x: u16, y: u16) {
        let at = Position::new(x, y);
        if self.screen != Screen::Lab || self.overlay.is_some() {
            return;
        }
        let areas = ui::areas(self, self.size);
        if let Some(k) = areas.panels.iter().position(|(_, r)| r.contains(at)) {
            self.focus = areas.panels[k].0;
        } else if areas.command.contains(at) && !self.typing {
            self.typing = true;
            self.input.open("");
        }
    }

    fn wheel(&mut self, x: u16, y: u16, delta: i32) {
        let at = Position::new(x, y);
        if self.overlay.is_some() {
            self.scroll_overlay(delta);
            return;
        }
        if self.screen != Screen::Lab {
            return;
        }
        let areas = ui::areas(self, self.size);
        if let Some(&(k, _)) = areas.panels.iter().find(|(_, r)| r.contains(at)) {
            self.focus = k;
            self.scroll_panel(k, delta);
        } else if areas.side.is_some_and(|r| r.contains(at)) {
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
        Message::ForceQuit => app.quit = true,
        Message::Resize(w, h) => app.resize(w, h),
        Message::Click { x, y } => app.click(x, y),
        Message::Wheel { x, y, delta } => app.wheel(x, y, delta),
        other => match app.mode() {
            Mode::Home => home(app, other),
            Mode::Typing => typing(app, other),
            Mode::Overlay => overlay(app, other),
            Mode::Question => question(app, other),
            Mode::Lab => lab(app, other),
        },
    }
}

fn home(app: &mut App, message: Message) {
    match message {
        Message::Select(delta) => {
            let last = app.home.len().saturating_sub(1);
            app.selected = step(app.selected, delta).min(last);
        }
        Message::Open => app.open_home_item(),
        Message::Help => app.open_overlay(Overlay::Help),
        Message::Quit => app.quit = true,
        _ => {}
    }
}

fn lab(app: &mut App, message: Message) {
    let lesson = app.session.player().is_some();
    match message {
        Message::Next | Message::Tick if lesson => app.next_step(),
        Message::Back if lesson => app.previous_step(),
        Message::Next | Message::Redo => app.run_line("redo"),
        Message::Back | Message::Undo => app.run_line("undo"),
        Message::OpenCommand(prefill) => {
            app.typing = true;
            app.input.open(prefill);
        }
        Message::FocusNext | Message::FocusPrev => {
            let n = app.view.replicas.len().max(1);
            let by = if message == Message::FocusNext {
                1
            } else {
                n - 1
            };
            app.focus = (app.focus + by) % n;
        }
        Message::Compare => app.compare(),
        Message::Timeline => app.open_overlay(Overlay::Timeline),
        Message::Help => app.open_overlay(Overlay::Help),
        Message::Quit => app.quit_or_back(),
        Message::ScrollPanel(delta) => app.scroll_panel(app.focus, delta),
        Message::ScrollSide(delta) => app.scroll_side(delta),
        _ => {}
    }
}

fn question(app: &mut App, message: Message) {
    match message {
        Message::Answer(choice) => app.answer(choice),
        Message::Next | Message::Tick => app.go_on(),
        Message::Quit => {
            app.overlay = None;
            app.answered = None;
        }
        _ => {}
    }
}

fn overlay(app: &mut App, message: Message) {
    match message {
        Message::Quit => app.overlay = None,
        Message::ScrollOverlay(delta) => app.scroll_overlay(delta),
        Message::Compare if app.overlay == Some(Overlay::Compare) => app.overlay = None,
        Message::Compare => app.compare(),
        Message::Timeline => app.toggle_overlay(Overlay::Timeline),
        Message::Help => app.toggle_overlay(Overlay::Help),
        _ => {}
    }
}

fn typing(app: &mut App, message: Message) {
    match message {
        Message::Type(c) => app.input.insert(c),
        Message::Cursor(to) => app.input.move_cursor(to),
        Message::Erase => app.input.erase(),
        Message::EraseForward => app.input.erase_forward(),
        Message::EraseLine => app.input.erase_line(),
        Message::EraseWord => app.input.erase_word(),
        Message::HistoryUp => app.input.older(),
        Message::HistoryDown => app.input.newer(),
        Message::CancelInput => {
            app.input.erase_line();
            app.typing = false;
        }
        Message::Complete => {
            let line = app.input.text().to_string();
            let found = assist::complete(app.lab(), &line, app.input.cursor_byte());
            if let Some(choices) = app.input.complete(found) {
                app.status = Some(Status {
                    tone: Tone::Info,
                    text: choices.join("  "),
                });
            }
        }
        Message::Submit => {
            let line = app.input.take();
            if line.trim().is_empty() {
                app.typing = false;
            } else {
                app.run_line(&line);
            }
        }
        _ => {}
    }
}
