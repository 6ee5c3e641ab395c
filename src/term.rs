//! What every face agrees on about the terminal: whether to use colour, how wide it is, the lines
//! of piped input, and the command history the line editors share.

use std::ffi::OsStr;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Whether to colour output going to a terminal (`is_terminal`) or elsewhere, by `NO_COLOR` and
/// `CLICOLOR_FORCE` (see [`colour_by`]). Every face that colours asks this.
pub fn colour(is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR");
    let force = std::env::var_os("CLICOLOR_FORCE");
    colour_by(no_color.as_deref(), force.as_deref(), is_terminal)
}

/// `NO_COLOR` set to anything but the empty string turns colour off (no-color.org); otherwise
/// `CLICOLOR_FORCE` set to anything but the empty string or `0` turns it on even off a
/// terminal; otherwise colour goes to terminals only.
pub fn colour_by(no_color: Option<&OsStr>, force: Option<&OsStr>, is_terminal: bool) -> bool {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if force.is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    is_terminal
}

/// The width to lay text out in: the terminal's columns when stdout is a terminal; none (no
/// wrapping) when output goes to a file or a pipe, so transcripts do not depend on a window.
pub fn width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    let (columns, _) = crossterm::terminal::size().ok()?;
    Some(usize::from(columns).max(20))
}

/// The lines of an input that may hold bytes that are not UTF-8: each is its text (without the
/// line ending), or `Err(n)` for line `n` (from 1) that is not UTF-8. A read error ends them.
pub fn lines(input: impl io::BufRead) -> impl Iterator<Item = Result<String, usize>> {
    input
        .split(b'\n')
        .map_while(Result::ok)
        .enumerate()
        .map(|(k, mut line)| {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            String::from_utf8(line).map_err(|_| k + 1)
        })
}

/// How many lines of command history are kept.
pub const HISTORY_LINES: usize = 1000;

/// Where the command history lives: `history.txt` in crdt-lab's state directory
/// (`$XDG_STATE_HOME/crdt-lab/`, by default `~/.local/state/crdt-lab/` on Linux), or its data
/// directory where a system has no state directory. One line per command, oldest first.
pub fn history_file() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::data_dir)?;
    Some(base.join("crdt-lab").join("history.txt"))
}

/// The last [`HISTORY_LINES`] commands entered in any face, oldest first. Before the history
/// moved to the state directory the REPL kept it in the data directory; that one is read while
/// there is no new one.
pub fn history() -> Vec<String> {
    let old = dirs::data_dir().map(|d| d.join("crdt-lab").join("history.txt"));
    let file = history_file().filter(|f| f.exists()).or(old);
    file.map(|f| read_history(&f)).unwrap_or_default()
}

/// Add a command to the history file at once, so that closing the terminal loses nothing. The
/// REPL calls it for every line entered, and so should any face with a command line. Blank
/// lines are not kept.
pub fn append_history(line: &str) -> io::Result<()> {
    let file = history_file().ok_or_else(|| io::Error::other("no home directory"))?;
    append_to(&file, line)
}

/// The last [`HISTORY_LINES`] lines of a history file.
pub fn read_history(file: &Path) -> Vec<String> {
    let text = std::fs::read(file).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    // rustyline's own format starts with a version line.
    let lines: Vec<&str> = text.lines().filter(|l| *l != "#V2").collect();
    let skip = lines.len().saturating_sub(HISTORY_LINES);
    lines[skip..].iter().map(|l| l.to_string()).collect()
}

/// Append one line to a history file; once it holds twice [`HISTORY_LINES`], it is rewritten
/// with the last [`HISTORY_LINES`] (through a temporary file, so it is never half written).
pub fn append_to(file: &Path, line: &str) -> io::Result<()> {
    let line = line.replace(['\n', '\r'], " ");
    if line.trim().is_empty() {
        return Ok(());
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
    writeln!(out, "{line}")?;
    if out.metadata()?.len() < 32 * 1024 {
        return Ok(());
    }
    let text = std::fs::read(file)?;
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > 2 * HISTORY_LINES {
        let kept = &lines[lines.len() - HISTORY_LINES..];
        write_atomic(file, |tmp| {
            kept.iter().try_for_each(|l| writeln!(tmp, "{l}"))
        })?;
    }
    Ok(())
}

/// Replace `file` with what `write` writes, never half written: a temporary file beside it
/// (its folder made if missing), synced, then renamed over it.
pub fn write_atomic(
    file: &Path,
    write: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_when_set_and_not_empty_and_clicolor_force_forces() {
        let os = |s: &'static str| Some(OsStr::new(s));
        assert!(!colour_by(os("1"), None, true));
        assert!(
            !colour_by(os("1"), os("1"), true),
            "NO_COLOR beats CLICOLOR_FORCE"
        );
        assert!(
            colour_by(os(""), None, true),
            "an empty NO_COLOR is not set"
        );
        assert!(colour_by(None, os("1"), false), "forced off a terminal");
        assert!(!colour_by(None, os("0"), false));
        assert!(!colour_by(os(""), os(""), false));
        assert!(colour_by(None, None, true) && !colour_by(None, None, false));
    }

    #[test]
    fn history_is_appended_line_by_line_and_kept_to_its_length() {
        let dir = tempfile::tempdir().expect("a directory");
        let file = dir.path().join("state").join("history.txt");
        append_to(&file, "A add x").expect("appended");
        append_to(&file, "  ").expect("a blank line is skipped");
        append_to(&file, "sync\nheal").expect("appended");
        assert_eq!(read_history(&file), ["A add x", "sync heal"]);
        for k in 0..(2 * HISTORY_LINES + 500) {
            append_to(&file, &format!("A add element-number-{k}")).expect("appended");
        }
        let lines = std::fs::read_to_string(&file)
            .expect("read")
            .lines()
            .count();
        assert!(
            lines <= 2 * HISTORY_LINES,
            "the file is trimmed: {lines} lines"
        );
        let kept = read_history(&file);
        assert_eq!(kept.len(), HISTORY_LINES);
        assert_eq!(
            kept.last().map(String::as_str),
            Some("A add element-number-2499")
        );
    }
}
