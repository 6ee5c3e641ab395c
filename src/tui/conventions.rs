//! Terminal conventions a user brings from other tools: the mouse released to the terminal so
//! text can be selected (`M`, `--no-mouse`), the command history shared with the REPL (read at
//! start, each line appended as it is entered), and keys winning over the `--auto` timer.
//! Ctrl-Z is a [`Request`] the run loop carries out.

use super::app::App;
use super::state::{Request, Tone};
use std::time::Duration;

/// After a key, the `--auto` countdown has at least this long to run, so that a key (Esc
/// closing a question, then q) is never undone by the timer a moment later.
pub const KEY_HOLD: Duration = Duration::from_secs(3);

/// A key came: the countdown is put back to [`KEY_HOLD`] if it had less left. It stays the one
/// clock, so the title bar shows the wait as it really is.
pub fn hold_auto(app: &mut App) {
    if let Some(left) = app.auto_left() {
        app.ui.countdown.left = Some(left.max(KEY_HOLD));
    }
}

/// `M`: release the mouse to the terminal, or take it back.
pub fn toggle_mouse(app: &mut App) {
    app.ui.mouse = !app.ui.mouse;
    app.ui.requests.push(Request::Mouse(app.ui.mouse));
    let said = match app.ui.mouse {
        true => "the mouse is back: a click focuses a panel, the wheel scrolls (M releases it)",
        false => "the mouse is released: drag to select text; M takes it back",
    };
    app.ui.say(Tone::Info, said);
}

/// The terminal face reads the shared history (the REPL's too) into the command line, and
/// from then on appends each line entered.
pub fn keep_history(app: &mut App) {
    app.ui.input.load_history(crate::term::history());
    app.ui.keep_history = true;
}

/// A line was entered (not the same as the one before it): append it to the history file at
/// once, when this app keeps one. A failure says so once on the status line; the line still runs.
pub fn remember(app: &mut App, line: &str) {
    // As the line ran: without the `:` or `/` typed again out of habit.
    let line = line.trim_start().trim_start_matches([':', '/']);
    if !app.ui.keep_history || line.trim().is_empty() {
        return;
    }
    if let Err(e) = crate::term::append_history(line) {
        app.ui.keep_history = false;
        app.ui.say(
            Tone::Note,
            format!("the command history could not be saved: {e}"),
        );
    }
}
