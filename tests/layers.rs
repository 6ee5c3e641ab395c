//! The layers' import rule, checked on the source: arrows point down only. `crdt` imports nothing
//! of ours, `lab` only `crdt`, `script` only `lab` and `crdt`, `lesson` those three; the faces
//! (tui, repl, plain, node, grade) use the layers below and the shared `term`, `exit` and
//! `progress` (saved progress, written through `term`'s atomic write), never each other, except
//! that the grader runs the reference node as its model.

use std::collections::BTreeSet;
use std::path::Path;

/// What each module may name with `crate::`.
fn allowed(module: &str) -> &'static [&'static str] {
    const LOWER: &[&str] = &[
        "crdt", "lab", "script", "lesson", "term", "exit", "progress",
    ];
    match module {
        "crdt" => &["crdt"],
        "lab" => &["crdt", "lab"],
        "script" => &["crdt", "lab", "script"],
        "lesson" => &["crdt", "lab", "script", "lesson"],
        "term" | "exit" => &[],
        "progress" => &["term"],
        "node" => &["crdt", "node", "exit"],
        // The grader's model is our reference node, run in process through its public API.
        "grade" => &["crdt", "lab", "script", "lesson", "term", "exit", "node"],
        _ => LOWER,
    }
}

/// The module a file belongs to: `src/lab/world.rs` is in `lab`, `src/repl.rs` is `repl`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix("src").unwrap_or(path);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    first
        .unwrap_or_default()
        .trim_end_matches(".rs")
        .to_string()
}

/// Every `crate::x` a file names.
fn named(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (k, _) in text.match_indices("crate::") {
        let rest = &text[k + "crate::".len()..];
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() {
            out.insert(word);
        }
    }
    // `use crate::{a, b}` names several at once.
    for (k, _) in text.match_indices("crate::{") {
        let rest = &text[k + "crate::{".len()..];
        let list = rest.split('}').next().unwrap_or("");
        for part in list.split(',') {
            let word: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                out.insert(word);
            }
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_layer_imports_one_above_it_and_no_face_imports_another() {
    let mut files = vec![];
    sources(Path::new("src"), &mut files);
    let mut wrong = vec![];
    for file in files {
        let module = module_of(&file);
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let allowed = allowed(&module);
        for name in named(&text) {
            if name != module && !allowed.contains(&name.as_str()) {
                wrong.push(format!("{} names crate::{name}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_a_wrong_import() {
    let text =
        "use crate::script::closest;\nfn f() { crate::tui::run(); }\nuse crate::{crdt, lab};";
    let found: Vec<String> = named(text).into_iter().collect();
    assert_eq!(found, ["crdt", "lab", "script", "tui"]);
    assert!(!allowed("lab").contains(&"script"));
    assert!(!allowed("crdt").contains(&"lab"));
    assert!(!allowed("tui").contains(&"repl"));
    assert_eq!(module_of(Path::new("src/lab/world.rs")), "lab");
}
