//! The TUI face: the run loop and the terminal guard. The loop draws, waits for one event from
//! an event source that is passed in (the terminal, or a script in tests and `--auto`), turns it
//! into a [`Message`] with the pure functions in `keys`, and calls [`update`]. The terminal is put
//! back on every way out: a normal quit, an error, a panic and SIGTERM, SIGINT or SIGHUP.

// The model and its update code.
mod app;
mod diff;
mod input;
mod keys;
mod markdown;
mod playback;
mod session;
mod state;
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
mod tests;
#[cfg(test)]
mod truth_tests;

#[cfg(test)]
mod refresh_tests;

pub use app::{App, Message, Mode, update};
pub use state::{HomeItem, Target};
pub use theme::{Theme, ThemeError};

use crate::exit::Status;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event as TermEvent,
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
    /// Nothing happened for as long as the app asked to wait.
    Tick,
    /// The process was told to stop (SIGTERM, SIGINT, SIGHUP).
    Signal(i32),
}

/// Where events come from. `next` blocks until one arrives, or until `wait` passes (a `Tick`);
/// `None` means there will be no more.
pub trait Events {
    fn next(&mut self, wait: Option<Duration>) -> Option<Input>;
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
        Input::Tick => Some(Message::Tick),
        Input::Signal(_) => None,
    }
}

/// Draw, wait, update, until the app quits or the events end. The same loop runs on a real
/// terminal, in tests (a `TestBackend` and a list of inputs) and under `--auto`.
pub fn drive<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut dyn Events,
) -> Result<Exit, B::Error> {
    loop {
        terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
        let Some(input) = events.next(app.wait()) else {
            return Ok(Exit::Closed);
        };
        if let Input::Signal(n) = input {
            return Ok(Exit::Signal(n));
        }
        if let Some(message) = translate(app, &input) {
            update(app, message);
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
}

impl TerminalEvents {
    pub fn start() -> io::Result<TerminalEvents> {
        let (tx, rx) = mpsc::channel();
        let keys = tx.clone();
        std::thread::spawn(move || {
            while let Ok(event) = event::read() {
                let input = match event {
                    TermEvent::Key(k) => Input::Key(k),
                    TermEvent::Mouse(m) => Input::Mouse(m),
                    TermEvent::Resize(w, h) => Input::Resize(w, h),
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
        Ok(TerminalEvents { rx })
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
}

/// Puts the terminal back: raw mode off, mouse off, the main screen back, the cursor shown.
/// Safe to call more than once and from a panic hook.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// While alive, the terminal is in raw mode on the alternate screen; dropping it restores it.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let guard = TerminalGuard;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            cursor::Hide
        )?;
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
        Start::Home => App::home(theme, load_done()),
        Start::Lesson(lesson) => {
            let mut app = App::lesson(theme, *lesson);
            app.ui.done = load_done();
            app
        }
        Start::Sandbox(setup) => App::sandbox(theme, setup.as_deref())?,
    };
    app.ui.auto = options.auto;
    Ok(app)
}

/// Run the TUI: Success after quitting, Unusable without a terminal or on a bad start, Failure
/// on a terminal error, Signal(n) after signal n.
pub fn run(start: Start, options: Options) -> Status {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        eprintln!(
            "crdt-lab: the TUI needs a terminal. Without one, use `crdt-lab repl` (line mode), \
             `crdt-lab run <file>` (scripts) or `crdt-lab play <lesson> --plain`."
        );
        return Status::Unusable;
    }
    let mut app = match app_for(start, &options) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("crdt-lab: {e}");
            return Status::Unusable;
        }
    };
    match run_terminal(&mut app) {
        Ok(Exit::Signal(n)) => Status::Signal(n),
        Ok(_) => Status::Success,
        Err(e) => {
            eprintln!("crdt-lab: terminal error: {e}");
            Status::Failure
        }
    }
}

fn run_terminal(app: &mut App) -> io::Result<Exit> {
    let mut events = TerminalEvents::start()?;
    let guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    if std::env::var_os("CRDT_LAB_TEST_PANIC").is_some() {
        terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
        panic!("a test asked for a panic (CRDT_LAB_TEST_PANIC)");
    }
    let exit = drive(&mut terminal, app, &mut events);
    drop(guard);
    save_done(&app.ui.done);
    exit
}

/// Where the names of finished lessons are kept between runs.
fn progress_file() -> Option<std::path::PathBuf> {
    Some(dirs::data_dir()?.join("crdt-lab").join("lessons-done.txt"))
}

fn load_done() -> std::collections::BTreeSet<String> {
    let text = progress_file()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Remember finished lessons; a failure to write only loses the ticks on the home screen.
fn save_done(done: &std::collections::BTreeSet<String>) {
    let Some(path) = progress_file() else { return };
    if done.is_empty() && !path.exists() {
        return;
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let text: String = done.iter().map(|name| format!("{name}\n")).collect();
    let _ = std::fs::write(path, text);
}
