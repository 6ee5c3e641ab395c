//! The TUI face: the run loop and the terminal guard. The loop draws, waits for one event from
//! an event source that is passed in (the terminal, or a script in tests and `--auto`), turns it
//! into a [`Message`] with the pure functions in `keys`, and calls [`update`]. The terminal is put
//! back on every way out: a normal quit, an error, a panic and SIGTERM, SIGINT or SIGHUP.

// The model and its update code.
mod app;
mod auto;
mod conventions;
mod diff;
mod input;
mod keys;
mod markdown;
mod outcomes;
mod paste;
mod playback;
mod resume;
mod session;
mod state;
mod worked;
// Shared by both: what a frame measured, how wide text is, and the styles.
mod layout;
mod measure;
mod theme;
// Drawing.
mod output;
mod overlays;
mod panels;
mod prose;
mod table;
mod timeline;
mod ui;
mod wrap;

#[cfg(test)]
mod lesson_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_misc;
#[cfg(test)]
mod truth_tests;

#[cfg(test)]
mod refresh_tests;

pub use app::{App, Message, Mode, update};
pub use conventions::{KEY_HOLD, hold_auto};
pub use state::{HomeItem, Request, Target};
pub use theme::{Theme, ThemeError};

use crate::exit::Status;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use std::io::{self, IsTerminal};
use std::sync::mpsc;
use std::time::Duration;

/// What the loop hears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Key(event::KeyEvent),
    Mouse(event::MouseEvent),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste), whole.
    Paste(String),
    /// Nothing happened for as long as the app asked to wait.
    Tick,
    /// The process was told to stop (SIGTERM, SIGINT, SIGHUP).
    Signal(i32),
}

/// Where events come from. `next` blocks until one arrives, or until `wait` passes (a `Tick`);
/// `None` means there will be no more.
pub trait Events {
    fn next(&mut self, wait: Option<Duration>) -> Option<Input>;

    /// Carry out what the app asks of the terminal (suspend, mouse on or off); `Ok(true)`
    /// when the screen must be drawn afresh. Sources without a terminal do nothing.
    fn request(&mut self, _request: Request) -> io::Result<bool> {
        Ok(false)
    }
}

/// How the loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// The events ran out.
    Closed,
    Signal(i32),
}

/// The message an input means, in the app's current mode.
pub fn translate(app: &App, input: &Input) -> Option<Message> {
    match input {
        Input::Key(key) => {
            keys::message(app.mode(), key).or_else(|| keys::editing(app.mode(), key))
        }
        Input::Mouse(mouse) => keys::mouse(mouse),
        Input::Resize(w, h) => Some(Message::Resize(*w, *h)),
        Input::Paste(text) => Some(Message::Paste(text.clone())),
        Input::Tick => Some(Message::Tick),
        Input::Signal(_) => None,
    }
}

/// Draw, wait, update, until the app quits or the events end. The same loop runs on a real
/// terminal, in tests (a `TestBackend` and a list of inputs) and under `--auto`. Keys win over
/// the timer: a pasted batch runs between keys, and after a key `--auto` holds off (see
/// [`hold_auto`]).
pub fn drive<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut dyn Events,
) -> Result<Exit, B::Error> {
    loop {
        terminal.draw(|frame| {
            frame.render_widget(&*app, frame.area());
            if let Some((x, y)) = app.layout.borrow().cursor {
                frame.set_cursor_position((x, y));
            }
        })?;
        let wait = match paste::pending(app) {
            true => Some(Duration::ZERO),
            false => app.wait(),
        };
        let Some(input) = events.next(wait) else {
            return Ok(Exit::Closed);
        };
        if let Input::Signal(n) = input {
            return Ok(Exit::Signal(n));
        }
        let message = match input {
            Input::Tick if paste::pending(app) => Some(Message::PasteStep),
            ref input => translate(app, input),
        };
        if let Some(message) = message {
            update(app, message);
        }
        if matches!(input, Input::Key(_) | Input::Paste(_)) {
            hold_auto(app);
        }
        for request in std::mem::take(&mut app.ui.requests) {
            match events.request(request) {
                Ok(true) => {
                    // Clear and draw everything again (`resize` clears without asking the
                    // terminal where its cursor is, which `clear` would).
                    let size = terminal.size()?;
                    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
                    terminal.resize(area)?;
                    app.resize(size.width, size.height);
                }
                Ok(false) => {}
                Err(e) => app.ui.say(
                    state::Tone::Error,
                    format!("the terminal did not do it: {e}"),
                ),
            }
        }
        if app.ui.quit {
            return Ok(Exit::Quit);
        }
    }
}

/// Events from the real terminal and from signals, gathered by two threads into one channel,
/// so the loop sleeps in one place and uses no CPU while nothing happens.
pub struct TerminalEvents {
    rx: mpsc::Receiver<Input>,
    /// Whether mouse events are captured now (restored so after a suspend).
    mouse: bool,
}

impl TerminalEvents {
    pub fn start(mouse: bool) -> io::Result<TerminalEvents> {
        let (tx, rx) = mpsc::channel();
        let keys = tx.clone();
        std::thread::spawn(move || {
            while let Ok(event) = event::read() {
                let input = match event {
                    TermEvent::Key(k) => Input::Key(k),
                    TermEvent::Mouse(m) => Input::Mouse(m),
                    TermEvent::Resize(w, h) => Input::Resize(w, h),
                    TermEvent::Paste(text) => Input::Paste(text),
                    _ => continue,
                };
                if keys.send(input).is_err() {
                    break;
                }
            }
        });
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
        std::thread::spawn(move || {
            for signal in signals.forever() {
                if tx.send(Input::Signal(signal)).is_err() {
                    break;
                }
            }
        });
        Ok(TerminalEvents { rx, mouse })
    }
}

impl Events for TerminalEvents {
    fn next(&mut self, wait: Option<Duration>) -> Option<Input> {
        match wait {
            None => self.rx.recv().ok(),
            Some(d) => match self.rx.recv_timeout(d) {
                Ok(input) => Some(input),
                Err(mpsc::RecvTimeoutError::Timeout) => Some(Input::Tick),
                Err(mpsc::RecvTimeoutError::Disconnected) => None,
            },
        }
    }

    fn request(&mut self, request: Request) -> io::Result<bool> {
        match request {
            Request::Suspend => {
                suspend(self.mouse)?;
                Ok(true)
            }
            Request::Mouse(on) => {
                self.mouse = on;
                set_mouse(on)?;
                Ok(false)
            }
        }
    }
}

/// Ctrl-Z, as helix and lazygit do it: give the terminal back, stop (SIGTSTP) until the shell's
/// `fg` continues us, then take the terminal again; the loop then redraws everything.
fn suspend(mouse: bool) -> io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    take_screen(mouse)
}

/// Raw mode, the alternate screen, bracketed paste, the mouse if wanted, no cursor (drawing
/// shows it where the command line wants it).
fn take_screen(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    set_mouse(mouse)
}

fn set_mouse(on: bool) -> io::Result<()> {
    match on {
        true => execute!(io::stdout(), EnableMouseCapture),
        false => execute!(io::stdout(), DisableMouseCapture),
    }
}

/// Puts the terminal back: raw mode off, mouse off, the main screen back, the cursor shown.
/// Safe to call more than once and from a panic hook.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// While alive, the terminal is in raw mode on the alternate screen; dropping it restores it.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        let guard = TerminalGuard;
        take_screen(mouse)?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// On a panic, restore the terminal first, so the message is printed on the normal screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Options of the TUI face.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub theme: Option<String>,
    pub auto: Option<Duration>,
    /// `--no-mouse`: leave the mouse to the terminal, so text can be selected (M toggles).
    pub no_mouse: bool,
}

/// Which screen the TUI opens on.
pub enum Start {
    Home,
    Lesson(Box<crate::lesson::Lesson>),
    /// A sandbox set up by this line of the command language (e.g. `new orset A B C`).
    Sandbox(Option<String>),
}

/// Why the TUI could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Theme(#[from] ThemeError),
    /// The sandbox's setup line (from the command line) failed.
    #[error("the sandbox could not be set up: {0}")]
    Setup(#[from] crate::script::Failure),
}

/// The theme: `--theme` or the default, without colour when `term::colour` says none.
pub fn pick_theme(name: Option<&str>) -> Result<Theme, ThemeError> {
    Theme::load(name.unwrap_or("dark"), !crate::term::colour(true))
}

/// Build the app for a start screen.
pub fn app_for(start: Start, options: &Options) -> Result<App, StartError> {
    let theme = pick_theme(options.theme.as_deref())?;
    let mut app = match start {
        Start::Home => with_progress(App::home(theme, Default::default()), options),
        Start::Lesson(lesson) => with_progress(App::lesson(theme, *lesson), options),
        Start::Sandbox(setup) => App::sandbox(theme, setup.as_deref())?,
    };
    app.ui.auto = options.auto;
    app.ui.mouse = !options.no_mouse;
    Ok(app)
}

/// Run the TUI: Success after quitting, Unusable without a terminal or on a bad start, Failure
/// on a terminal error, Signal(n) after signal n.
pub fn run(start: Start, options: Options) -> Status {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        crate::exit::warn(
            "crdt-lab: the TUI needs a terminal. Without one, use `crdt-lab repl` (line mode), \
             `crdt-lab run <file>` (scripts) or `crdt-lab play <lesson> --plain`.",
        );
        return Status::Unusable;
    }
    let mut app = match app_for(start, &options) {
        Ok(app) => app,
        Err(e) => {
            crate::exit::warn(&format!("crdt-lab: {e}"));
            return Status::Unusable;
        }
    };
    conventions::keep_history(&mut app);
    match run_terminal(&mut app) {
        Ok(Exit::Signal(n)) => Status::Signal(n),
        Ok(_) => Status::Success,
        Err(e) => {
            crate::exit::warn(&format!("crdt-lab: terminal error: {e}"));
            Status::Failure
        }
    }
}

fn run_terminal(app: &mut App) -> io::Result<Exit> {
    let mut events = TerminalEvents::start(app.ui.mouse)?;
    let guard = TerminalGuard::enter(app.ui.mouse)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    if std::env::var_os("CRDT_LAB_TEST_PANIC").is_some() {
        terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
        panic!("a test asked for a panic (CRDT_LAB_TEST_PANIC)");
    }
    let exit = drive(&mut terminal, app, &mut events);
    drop(guard);
    resume::end(app);
    exit
}

/// The home screen and a lesson read the saved progress and save it as they go (the sandbox
/// never touches it): the app gets the progress and the store; a problem with the file is
/// said on the status line, and again on stderr when the TUI ends. A lesson with progress part
/// way through it offers to resume (not under `--auto`).
fn with_progress(mut app: App, options: &Options) -> App {
    if let Some(opened) = crate::progress::Store::open() {
        app.ui.auto = options.auto;
        resume::attach(&mut app, opened);
    }
    app
}
