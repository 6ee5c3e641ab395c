//! Files: a session saved as its command log in versioned JSON, loaded back through the grammar,
//! and exports. Each command is saved as the line that reads back as exactly that command,
//! refused ones too. Writes are atomic (a temporary file beside the target, synced, then
//! renamed over it), go only to regular files or new paths, and leave nothing behind on failure.

use super::{Action, Failure, Format, line, parse, render};
use crate::lab::{Change, Delivery, Entry, Lab, LabView, WorkedTable};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

const FORMAT: &str = "crdt-lab session";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Session {
    format: String,
    version: u32,
    /// Every command in the log, as the line that makes it.
    commands: Vec<String>,
    /// How many of them are in effect (the rest wait for redo).
    position: usize,
}

/// Save the lab's log; returns how many commands were written.
pub fn save(lab: &Lab, path: &str) -> Result<usize, Failure> {
    let text = save_text(lab)?;
    write_atomic(path, |w| w.write_all(text.as_bytes()))?;
    Ok(lab.log().len())
}

/// The saved session's text: every command of the log, accepted or refused, as the line that
/// reads back as exactly that command, and the position in the log.
pub fn save_text(lab: &Lab) -> Result<String, Failure> {
    let session = Session {
        format: FORMAT.into(),
        version: VERSION,
        commands: lab.log().iter().map(|e| line(&e.command)).collect(),
        position: lab.position(),
    };
    serde_json::to_string_pretty(&session).map_err(|e| Failure::File(e.to_string()))
}

/// Load a saved session into a new lab. Anything wrong with the file leaves the caller's lab as it was.
pub fn load(path: &str) -> Result<Lab, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::File(format!("cannot load {path}: {e}")))?;
    load_text(&text, path)
}

/// A lab from a saved session's text (`name` is the file, for messages).
pub fn load_text(text: &str, name: &str) -> Result<Lab, Failure> {
    let bad = |why: String| Failure::File(format!("cannot load {name}: {why}"));
    let session: Session = serde_json::from_str(text).map_err(|e| bad(not_a_session(text, &e)))?;
    if session.format != FORMAT {
        return Err(bad(format!(
            "its format is '{}', not '{FORMAT}'",
            session.format
        )));
    }
    if session.version != VERSION {
        return Err(bad(format!(
            "it is version {}, and this crdt-lab reads version {VERSION}",
            session.version
        )));
    }
    let mut lab = Lab::new();
    for (k, line) in session.commands.iter().enumerate() {
        match parse(line) {
            Ok(Some(Action::Change(command))) => {
                let _ = lab.run(command);
            }
            _ => {
                return Err(bad(format!(
                    "command {} ('{line}') is not a command that changes a lab",
                    k + 1
                )));
            }
        }
    }
    if session.position > lab.log().len() {
        return Err(bad(format!(
            "its position {} is past its {} commands",
            session.position,
            lab.log().len()
        )));
    }
    lab.goto(session.position);
    Ok(lab)
}

/// Why a file is not a saved session, in words a learner understands.
fn not_a_session(text: &str, e: &serde_json::Error) -> String {
    let first = text.trim_start().chars().next();
    match first {
        Some('{') => format!("it is JSON, but not a saved session: {e}"),
        None => "it is empty, so it is not a saved session".to_string(),
        Some(_) => {
            "it is not a saved session (those are JSON files written by `save`); if it holds \
             commands, run it with `crdt-lab run FILE` instead"
                .to_string()
        }
    }
}

/// Export as Markdown or JSON: written to the file when one is named, else the text.
pub fn export(lab: &Lab, format: Format, path: Option<&str>) -> Result<Option<String>, Failure> {
    // A lab run without recording its changes (`run --quiet`) records them now, for the export.
    let again = (!lab.recorded_all()).then(|| lab.recorded());
    let lab = again.as_ref().unwrap_or(lab);
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match format {
            Format::Markdown => w.write_all(render::markdown(&lab.table()).as_bytes()),
            Format::Json => Ok(serde_json::to_writer_pretty(w, &json(lab))?),
            Format::Svg => w.write_all(super::svg::svg(lab).as_bytes()),
            Format::Timeline => w.write_all(super::diagram::text(lab).as_bytes()),
        }
    };
    match path {
        Some(path) => write_atomic(path, write).map(|()| None),
        None => {
            let mut text = vec![];
            write(&mut text).map_err(|e| Failure::File(e.to_string()))?;
            Ok(Some(String::from_utf8_lossy(&text).into_owned()))
        }
    }
}

/// The JSON export: the state, every command in effect with what it did, and the worked tables.
/// Serialized straight from the log, with no copy of it in between.
fn json(lab: &Lab) -> impl Serialize + '_ {
    #[derive(Serialize)]
    struct Export<'a> {
        state: LabView,
        history: History<'a>,
        tables: Vec<WorkedTable>,
    }
    struct History<'a>(&'a [Entry]);
    impl Serialize for History<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(|e| Step {
                command: line(&e.command),
                refused: e.refused.as_ref().map(|r| r.rule.as_str()),
                notes: &e.applied.notes,
                changes: &e.applied.changes,
                deliveries: &e.applied.deliveries,
                step: e.step as usize,
            }))
        }
    }
    #[derive(Serialize)]
    struct Step<'a> {
        command: String,
        refused: Option<&'a str>,
        notes: &'a [String],
        changes: &'a [Change],
        deliveries: &'a [Delivery],
        step: usize,
    }
    Export {
        state: lab.view(),
        history: History(lab.history()),
        tables: lab.table(),
    }
}

/// Write `text` to `path` atomically (a saved counterexample, for one).
pub fn write_text(path: &str, text: &str) -> Result<(), Failure> {
    write_atomic(path, |w| w.write_all(text.as_bytes()))
}

/// Write to `path` atomically with `write`: the old file stays whole until the new one is complete.
fn write_atomic(
    path: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let target = Path::new(path);
    let fail = |e: std::io::Error| Failure::File(format!("cannot write {path}: {e}"));
    let refuse = |why: &str| Failure::File(format!("cannot write {path}: {why}"));
    let existing = match std::fs::symlink_metadata(target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(e)),
    };
    if let Some(meta) = &existing {
        let kind = meta.file_type();
        if kind.is_symlink() {
            return Err(refuse(
                "it is a symbolic link; name the file it points to, or a new file",
            ));
        }
        if kind.is_dir() {
            return Err(refuse("it is a directory; name a file in it"));
        }
        if !kind.is_file() {
            return Err(refuse(
                "it is not a regular file (a device, a pipe or a socket), so it is left alone",
            ));
        }
    }
    if target.file_name().is_none() {
        return Err(refuse("that is not a file name"));
    }
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // The temporary file is removed when it is dropped, so every failure below cleans up.
    let mut tmp = tempfile::Builder::new()
        .prefix(".crdt-lab-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
    write(&mut buffered).map_err(fail)?;
    buffered.flush().map_err(fail)?;
    drop(buffered);
    tmp.as_file().sync_all().map_err(fail)?;
    set_permissions(tmp.path(), existing.as_ref()).map_err(fail)?;
    tmp.persist(target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The file keeps the permissions it had; a new one is readable by all and writable by its
/// owner, as `std::fs::write` makes it under the usual umask (a temporary file starts private).
fn set_permissions(tmp: &Path, existing: Option<&std::fs::Metadata>) -> std::io::Result<()> {
    match existing {
        Some(meta) => std::fs::set_permissions(tmp, meta.permissions()),
        None => set_new_file_permissions(tmp),
    }
}

#[cfg(unix)]
fn set_new_file_permissions(tmp: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_new_file_permissions(_tmp: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Why a text file (a script, a lesson) could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{0}")]
    Unreadable(String),
    /// The first line that is not UTF-8, counted from 1.
    #[error("line {line} is not valid UTF-8")]
    NotUtf8 { line: usize },
}

impl TextError {
    /// The line to point at: 0 for the file as a whole.
    pub fn line(&self) -> usize {
        match self {
            TextError::Unreadable(_) => 0,
            TextError::NotUtf8 { line } => *line,
        }
    }
}

/// Read a text file, naming the first line that is not UTF-8 if there is one.
pub fn read_text(path: &str) -> Result<String, TextError> {
    let bytes = std::fs::read(path).map_err(|e| TextError::Unreadable(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        TextError::NotUtf8 { line }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let entries = std::fs::read_dir(dir).expect("the directory");
        let mut names: Vec<String> = entries
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_that_fails_half_way_leaves_the_old_file_whole_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("big.json");
        std::fs::write(&path, "the old session").expect("written");
        let target = path.to_string_lossy();
        let err = write_atomic(&target, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("no space left on device"))
        })
        .expect_err("the write fails");
        assert!(err.to_string().contains("no space left"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "the old session"
        );
        assert_eq!(names(dir.path()), ["big.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_by_all_and_an_old_one_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a directory");
        let fresh = dir.path().join("new.md");
        write_atomic(&fresh.to_string_lossy(), |w| w.write_all(b"x")).expect("written");
        let mode = |p: &Path| std::fs::metadata(p).expect("there").permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), 0o644);
        std::fs::set_permissions(&fresh, std::fs::Permissions::from_mode(0o600)).expect("set");
        write_atomic(&fresh.to_string_lossy(), |w| w.write_all(b"y")).expect("written");
        assert_eq!(mode(&fresh), 0o600);
    }
}
