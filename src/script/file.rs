//! Files: a session saved as its command log in versioned JSON, loaded back through the grammar,
//! and exports. Writes are atomic (a temporary file, then a rename).

use super::{Action, Failure, Format, parse, render};
use crate::lab::Lab;
use serde::{Deserialize, Serialize};
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
    let session = Session {
        format: FORMAT.into(),
        version: VERSION,
        commands: lab.log().iter().map(|e| e.command.to_string()).collect(),
        position: lab.position(),
    };
    let text = serde_json::to_string_pretty(&session).map_err(|e| Failure::File(e.to_string()))?;
    write_atomic(path, &text)?;
    Ok(session.commands.len())
}

/// Load a saved session into a new lab. Anything wrong with the file leaves the caller's lab as it was.
pub fn load(path: &str) -> Result<Lab, Failure> {
    let bad = |why: String| Failure::File(format!("cannot load {path}: {why}"));
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let session: Session =
        serde_json::from_str(&text).map_err(|e| bad(not_a_session(&text, &e)))?;
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

/// Export as Markdown or JSON: the text, also written to a file when one is named.
pub fn export(lab: &Lab, format: Format, path: Option<&str>) -> Result<String, Failure> {
    let text = match format {
        Format::Markdown => render::markdown(&lab.table()),
        Format::Json => json(lab)?,
    };
    if let Some(path) = path {
        write_atomic(path, &text)?;
    }
    Ok(text)
}

fn json(lab: &Lab) -> Result<String, Failure> {
    let history: Vec<serde_json::Value> = lab
        .history()
        .iter()
        .map(|e| {
            serde_json::json!({
                "command": e.command.to_string(),
                "refused": e.refused.as_ref().map(|r| r.rule.clone()),
                "notes": e.applied.notes,
                "changes": e.applied.changes,
                "deliveries": e.applied.deliveries,
                "step": e.step,
            })
        })
        .collect();
    let doc = serde_json::json!({ "state": lab.view(), "history": history, "tables": lab.table() });
    serde_json::to_string_pretty(&doc).map_err(|e| Failure::File(e.to_string()))
}

fn write_atomic(path: &str, text: &str) -> Result<(), Failure> {
    let target = Path::new(path);
    let fail = |e: std::io::Error| Failure::File(format!("cannot write {path}: {e}"));
    let name = target
        .file_name()
        .ok_or_else(|| Failure::File(format!("'{path}' is not a file name")))?;
    let tmp = target.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&tmp, text).map_err(fail)?;
    std::fs::rename(&tmp, target).map_err(fail)
}
