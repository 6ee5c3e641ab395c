//! Saved progress, user data kept between runs: per lesson, finished or not, the furthest step,
//! the step the learner left on and how each question was first answered. It lives in
//! `progress.json` (versioned JSON) in crdt-lab's state directory, is written atomically and
//! only when it changed, and merged with what is on disk so that two faces open at once lose
//! nothing. A file that cannot be read is set aside (`progress.json.corrupt-<n>`) with a
//! warning, never replaced silently. File I/O: the faces call it, the core never does.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The version of the file's layout, written in it.
pub const VERSION: u32 = 1;

/// One lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    /// Played to its last step at least once, with every question answered (a jump to the end
    /// is not a lesson done).
    pub done: bool,
    /// The furthest step reached (from 1).
    pub furthest: usize,
    /// The step the learner was on last (from 1; 0 before step 1).
    pub last: usize,
    /// Step number → whether its question was answered right the first time.
    pub answers: BTreeMap<usize, bool>,
}

impl Record {
    /// (questions answered right the first time, questions answered).
    pub fn score(&self) -> (usize, usize) {
        let right = self.answers.values().filter(|r| **r).count();
        (right, self.answers.len())
    }

    /// Where an unfinished lesson would go on: the step the learner left on.
    pub fn resume_at(&self) -> Option<usize> {
        (!self.done && self.last >= 1).then_some(self.last)
    }

    /// What the home screen and `crdt-lab lessons` say: `✓ done · 2/3 right`,
    /// `continue at step 4 · 1/1 right`, or nothing for a lesson never started.
    pub fn summary(&self) -> String {
        let mut parts = vec![];
        if self.done {
            parts.push("✓ done".to_string());
        } else if let Some(k) = self.resume_at() {
            parts.push(format!("continue at step {k}"));
        }
        let (right, asked) = self.score();
        if asked > 0 {
            parts.push(format!("{right}/{asked} right"));
        }
        parts.join(" · ")
    }

    /// Take in a newer record of the same lesson: nothing it had is lost.
    fn absorb(&mut self, newer: &Record) {
        self.done |= newer.done;
        self.furthest = self.furthest.max(newer.furthest);
        self.last = newer.last;
        for (step, right) in &newer.answers {
            self.answers.entry(*step).or_insert(*right);
        }
    }
}

/// Every lesson's progress, by lesson name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub lessons: BTreeMap<String, Record>,
}

impl Progress {
    pub fn get(&self, lesson: &str) -> Option<&Record> {
        self.lessons.get(lesson)
    }

    /// The names of the finished lessons.
    pub fn done(&self) -> BTreeSet<String> {
        let done = self.lessons.iter().filter(|(_, r)| r.done);
        done.map(|(name, _)| name.clone()).collect()
    }

    /// The learner stands on `step` of `steps` (0: the title page) and has answered these
    /// questions (step → right the first time) of the lesson's `questions`. A first answer once
    /// kept is never changed, and the title page does not move where the lesson goes on.
    pub fn record(
        &mut self,
        lesson: &str,
        (step, steps, questions): (usize, usize, usize),
        answers: impl IntoIterator<Item = (usize, bool)>,
    ) {
        let answers: Vec<(usize, bool)> = answers.into_iter().collect();
        if step == 0 && answers.is_empty() && !self.lessons.contains_key(lesson) {
            return;
        }
        let record = self.lessons.entry(lesson.to_string()).or_default();
        if step >= 1 {
            record.last = step;
        }
        record.furthest = record.furthest.max(step);
        for (k, right) in answers {
            record.answers.entry(k).or_insert(right);
        }
        record.done |= steps > 0 && step == steps && record.answers.len() >= questions;
    }

    /// `newer`'s records of the lessons it changed since `base`, taken into these.
    fn absorb_changes(&mut self, newer: &Progress, base: &Progress) {
        for (name, record) in &newer.lessons {
            if base.get(name) != Some(record) {
                self.lessons.entry(name.clone()).or_default().absorb(record);
            }
        }
    }
}

/// The file's layout.
#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    lessons: BTreeMap<String, Record>,
}

/// Why a progress file was not read.
#[derive(Debug)]
enum ReadError {
    /// Not there: no progress yet.
    Missing,
    /// Written by a newer crdt-lab: left alone, and not written over.
    Newer(u32),
    /// Not JSON of this layout, or not readable at all.
    Bad(String),
}

fn read(path: &Path) -> Result<Progress, ReadError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Bad(e.to_string())),
    };
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let version: Version =
        serde_json::from_slice(&bytes).map_err(|e| ReadError::Bad(e.to_string()))?;
    if version.version > VERSION {
        return Err(ReadError::Newer(version.version));
    }
    let file: File = serde_json::from_slice(&bytes).map_err(|e| ReadError::Bad(e.to_string()))?;
    Ok(Progress {
        lessons: file.lessons,
    })
}

/// Write atomically: a temporary file beside it, renamed over it.
fn write(path: &Path, progress: &Progress) -> std::io::Result<()> {
    let file = File {
        version: VERSION,
        lessons: progress.lessons.clone(),
    };
    let text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
    crate::term::write_atomic(path, |tmp| writeln!(tmp, "{text}"))
}

/// `progress.json` in crdt-lab's state directory (`$XDG_STATE_HOME/crdt-lab/`, by default
/// `~/.local/state/crdt-lab/`), or its data directory where a system has none.
pub fn file() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::data_dir)?;
    Some(base.join("crdt-lab").join("progress.json"))
}

/// Where crdt-lab kept the names of finished lessons before `progress.json`.
pub fn old_file() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("crdt-lab").join("lessons-done.txt"))
}

/// The progress file of this run: where it is, what it held when last read or written, and
/// whether it may be written.
#[derive(Clone, Debug)]
pub struct Store {
    path: PathBuf,
    saved: Progress,
    writable: bool,
}

/// A store just opened: the store, the progress it holds, and a warning to show, if any.
pub struct Opened {
    pub store: Store,
    pub progress: Progress,
    pub warning: Option<String>,
}

impl Store {
    /// The user's progress file (None without a home directory).
    pub fn open() -> Option<Opened> {
        Some(Store::open_at(file()?, old_file().as_deref()))
    }

    /// Open `path`. Missing, it is made from the old list of finished lessons (which is kept);
    /// unreadable, it is set aside with a warning and progress starts afresh.
    pub fn open_at(path: PathBuf, old: Option<&Path>) -> Opened {
        let mut store = Store {
            path,
            saved: Progress::default(),
            writable: true,
        };
        let (progress, warning) = match read(&store.path) {
            Ok(progress) => (progress, None),
            Err(ReadError::Missing) => (migrate(old), None),
            Err(ReadError::Newer(v)) => {
                store.writable = false;
                let warning = format!(
                    "crdt-lab: {} was written by a newer crdt-lab (version {v}); it is left as it \
                     is, and this run's progress is not saved",
                    store.path.display()
                );
                (Progress::default(), Some(warning))
            }
            Err(ReadError::Bad(why)) => (Progress::default(), Some(store.set_aside(&why))),
        };
        store.saved = progress.clone();
        let migrated = !progress.lessons.is_empty() && !store.path.exists();
        let warning = match migrated && store.writable {
            true => store.write(&progress).or(warning),
            false => warning,
        };
        Opened {
            store,
            progress,
            warning,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Save `progress` if it changed since it was last read or saved, merged with what the file
    /// holds now (another face may have saved since). Returns a warning to show, if any.
    pub fn save(&mut self, progress: &Progress) -> Option<String> {
        if !self.writable || *progress == self.saved {
            return None;
        }
        let (mut merged, mut warning) = match read(&self.path) {
            Ok(disk) => (disk, None),
            Err(ReadError::Missing) => (Progress::default(), None),
            Err(ReadError::Newer(v)) => {
                self.writable = false;
                return Some(format!(
                    "crdt-lab: {} was written meanwhile by a newer crdt-lab (version {v}); \
                     this run's progress is not saved",
                    self.path.display()
                ));
            }
            Err(ReadError::Bad(why)) => (Progress::default(), Some(self.set_aside(&why))),
        };
        let before = merged.clone();
        merged.absorb_changes(progress, &self.saved);
        if self.writable && (merged != before || !self.path.exists()) {
            warning = self.write(&merged).or(warning);
        }
        self.saved = progress.clone();
        warning
    }

    /// Write the file; a warning if that failed.
    fn write(&mut self, progress: &Progress) -> Option<String> {
        let e = write(&self.path, progress).err()?;
        self.writable = false;
        Some(format!(
            "crdt-lab: could not save progress to {}: {e}; it is not saved this run",
            self.path.display()
        ))
    }

    /// Move an unreadable file aside, to `progress.json.corrupt-<n>`; if even that fails, the
    /// file is left alone and nothing is written over it.
    fn set_aside(&mut self, why: &str) -> String {
        let shown = self.path.display();
        let aside = (1..)
            .map(|n| PathBuf::from(format!("{}.corrupt-{n}", self.path.display())))
            .find(|p| !p.exists())
            .unwrap_or_else(|| self.path.with_extension("corrupt"));
        match std::fs::rename(&self.path, &aside) {
            Ok(()) => format!(
                "crdt-lab: the saved progress could not be read; it is kept as {} and progress \
                 starts afresh ({why})",
                aside.display()
            ),
            Err(e) => {
                self.writable = false;
                format!(
                    "crdt-lab: the saved progress in {shown} could not be read ({why}) nor set \
                     aside ({e}); it is left as it is, and this run's progress is not saved"
                )
            }
        }
    }
}

/// The old list of finished lessons (one name a line), as progress.
fn migrate(old: Option<&Path>) -> Progress {
    let text = old
        .and_then(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let names = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let done = Record {
        done: true,
        ..Record::default()
    };
    Progress {
        lessons: names.map(|n| (n.to_string(), done.clone())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn played() -> Progress {
        let mut p = Progress::default();
        p.record("orset-add-wins", (4, 4, 2), [(2, false), (4, true)]);
        p.record("lww-tiebreak", (2, 4, 1), [(1, true)]);
        p
    }

    #[test]
    fn progress_goes_to_json_and_back() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("state").join("progress.json");
        let mut opened = Store::open_at(path.clone(), None);
        assert!(opened.progress.lessons.is_empty() && opened.warning.is_none());
        assert_eq!(opened.store.save(&played()), None);
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.contains("\"version\": 1"), "{text}");
        assert!(text.contains("\"4\": true"), "{text}");
        let again = Store::open_at(path, None);
        assert_eq!(again.progress, played());
        let add_wins = &again.progress.lessons["orset-add-wins"];
        assert_eq!(add_wins.summary(), "✓ done · 1/2 right");
        assert_eq!(
            again.progress.lessons["lww-tiebreak"].summary(),
            "continue at step 2 · 1/1 right"
        );
    }

    #[test]
    fn nothing_is_written_when_nothing_changed() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("progress.json");
        let mut opened = Store::open_at(path.clone(), None);
        assert_eq!(opened.store.save(&Progress::default()), None);
        assert!(!path.exists(), "no progress, no file");
        opened.store.save(&played());
        std::fs::write(&path, "kept as it is").expect("written");
        assert_eq!(opened.store.save(&played()), None);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            text, "kept as it is",
            "an unchanged save does not touch the file"
        );
    }

    #[test]
    fn the_old_list_is_migrated_once_and_kept() {
        let dir = tempfile::tempdir().expect("a directory");
        let old = dir.path().join("lessons-done.txt");
        std::fs::write(&old, "orset-add-wins\n\ngset-apple-banana\n").expect("written");
        let path = dir.path().join("state").join("progress.json");
        let opened = Store::open_at(path.clone(), Some(&old));
        assert_eq!(opened.warning, None);
        let done: Vec<String> = opened.progress.done().into_iter().collect();
        assert_eq!(done, ["gset-apple-banana", "orset-add-wins"]);
        assert!(path.exists(), "migrated into progress.json");
        assert!(old.exists(), "the old file is kept");
        std::fs::write(&old, "naive-zombie\n").expect("written");
        let again = Store::open_at(path, Some(&old));
        assert_eq!(again.progress.done().len(), 2, "read once only");
    }

    #[test]
    fn a_corrupt_file_is_set_aside_with_a_warning() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("progress.json");
        std::fs::write(&path, "{\"version\": 1, \"lessons\": [").expect("written");
        std::fs::write(dir.path().join("progress.json.corrupt-1"), "older").expect("written");
        let mut opened = Store::open_at(path.clone(), None);
        let warning = opened.warning.expect("a warning");
        assert!(warning.contains("could not be read"), "{warning}");
        assert!(warning.contains("progress.json.corrupt-2"), "{warning}");
        let aside = dir.path().join("progress.json.corrupt-2");
        let kept = std::fs::read_to_string(aside).expect("kept");
        assert_eq!(kept, "{\"version\": 1, \"lessons\": [");
        assert!(!path.exists());
        assert_eq!(opened.store.save(&played()), None);
        assert_eq!(Store::open_at(path, None).progress, played());
    }

    #[test]
    fn a_place_that_cannot_hold_the_file_gives_one_warning_and_no_more() {
        let dir = tempfile::tempdir().expect("a directory");
        let blocker = dir.path().join("state");
        std::fs::write(&blocker, "a file where a folder should be").expect("written");
        let path = blocker.join("crdt-lab").join("progress.json");
        let mut opened = Store::open_at(path, None);
        let warning = opened.warning.expect("a warning");
        assert!(warning.contains("not saved"), "{warning}");
        assert_eq!(opened.store.save(&played()), None, "said once");
        let kept = std::fs::read_to_string(&blocker).expect("read");
        assert_eq!(kept, "a file where a folder should be");
    }

    #[test]
    fn a_newer_file_is_left_alone() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("progress.json");
        let text = "{\"version\": 2, \"courses\": {}}";
        std::fs::write(&path, text).expect("written");
        let mut opened = Store::open_at(path.clone(), None);
        assert!(opened.warning.expect("a warning").contains("newer"));
        assert_eq!(opened.store.save(&played()), None);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    }

    #[test]
    fn two_faces_saving_keep_each_others_progress() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("progress.json");
        let mut tui = Store::open_at(path.clone(), None);
        let mut plain = Store::open_at(path.clone(), None);
        let mut a = tui.progress.clone();
        a.record("orset-add-wins", (4, 4, 1), [(2, false)]);
        tui.store.save(&a);
        let mut b = plain.progress.clone();
        b.record("lww-tiebreak", (3, 4, 1), [(1, true)]);
        b.record("orset-add-wins", (1, 4, 1), [(2, true)]);
        plain.store.save(&b);
        let both = Store::open_at(path, None).progress;
        let add_wins = &both.lessons["orset-add-wins"];
        assert!(add_wins.done, "done stays done");
        assert_eq!((add_wins.furthest, add_wins.last), (4, 1));
        assert_eq!(add_wins.score(), (0, 1), "the first answer counts");
        assert_eq!(both.lessons["lww-tiebreak"].resume_at(), Some(3));
    }

    #[test]
    fn a_jump_to_the_last_step_is_not_a_lesson_done() {
        let mut p = Progress::default();
        p.record("orset-add-wins", (4, 4, 2), []);
        assert!(!p.lessons["orset-add-wins"].done, "no question answered");
        assert_eq!(p.lessons["orset-add-wins"].summary(), "continue at step 4");
        p.record("orset-add-wins", (2, 4, 2), [(2, true)]);
        p.record("orset-add-wins", (4, 4, 2), [(2, true)]);
        assert!(!p.lessons["orset-add-wins"].done, "the last question waits");
        p.record("orset-add-wins", (4, 4, 2), [(2, true), (4, false)]);
        assert_eq!(p.lessons["orset-add-wins"].summary(), "✓ done · 1/2 right");
    }

    #[test]
    fn the_title_page_does_not_move_where_a_lesson_goes_on() {
        let mut p = Progress::default();
        p.record("mistakes", (0, 7, 0), []);
        assert!(p.lessons.is_empty(), "opening a lesson records nothing");
        p.record("mistakes", (5, 7, 0), []);
        p.record("mistakes", (0, 7, 0), []);
        assert_eq!(p.lessons["mistakes"].resume_at(), Some(5));
        p.record("mistakes", (7, 7, 0), []);
        assert_eq!(p.lessons["mistakes"].resume_at(), None, "finished");
    }
}
