//! The command line: the text being typed, its cursor and earlier lines. It only edits text:
//! what Tab offers and the usage hint come from `script::assist`, and running a line is
//! `script::execute`'s job.

use crate::script::assist::Completion;

/// Where a cursor key moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Start,
    End,
    Left,
    Right,
}

/// The longest line the command line takes.
pub const MAX_INPUT: usize = 500;

#[derive(Clone, Debug, Default)]
pub struct InputLine {
    text: String,
    /// The cursor, in characters from the start.
    cursor: usize,
    history: Vec<String>,
    /// Which earlier line is shown while walking the history, counted from the newest.
    recall: Option<usize>,
    draft: String,
}

impl InputLine {
    pub fn open(&mut self, prefill: &str) {
        self.text = prefill.to_string();
        self.cursor = self.text.chars().count();
        self.recall = None;
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The cursor as a byte offset into the text.
    pub fn cursor_byte(&self) -> usize {
        self.byte_at(self.cursor)
    }

    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Earlier lines (oldest first), from the history file, before anything is typed.
    pub fn load_history(&mut self, lines: Vec<String>) {
        self.history = lines;
        self.recall = None;
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        if self.text.chars().count() >= MAX_INPUT || c.is_control() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Backspace.
    pub fn erase(&mut self) {
        if self.cursor == 0 {
            return;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
    }

    /// Delete.
    pub fn erase_forward(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn erase_line(&mut self) {
        self.open("");
    }

    /// Ctrl-W: the word before the cursor.
    pub fn erase_word(&mut self) {
        let before: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut start = before.len();
        while start > 0 && before[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && before[start - 1] != ' ' {
            start -= 1;
        }
        let (from, to) = (self.byte_at(start), self.byte_at(self.cursor));
        self.text.replace_range(from..to, "");
        self.cursor = start;
    }

    pub fn move_cursor(&mut self, to: Move) {
        let len = self.text.chars().count();
        self.cursor = match to {
            Move::Start => 0,
            Move::End => len,
            Move::Left => self.cursor.saturating_sub(1),
            Move::Right => (self.cursor + 1).min(len),
        };
    }

    /// Enter: the line, now remembered in the history.
    pub fn take(&mut self) -> String {
        let line = std::mem::take(&mut self.text);
        self.cursor = 0;
        self.recall = None;
        if !line.trim().is_empty() && self.history.last() != Some(&line) {
            self.history.push(line.clone());
        }
        line
    }

    /// ↑: an earlier line.
    pub fn older(&mut self) {
        let next = self.recall.map_or(0, |k| k + 1);
        if next >= self.history.len() {
            return;
        }
        if self.recall.is_none() {
            self.draft = self.text.clone();
        }
        self.recall = Some(next);
        let line = self.history[self.history.len() - 1 - next].clone();
        self.show(line);
    }

    /// ↓: a later line, then back to what was being typed.
    pub fn newer(&mut self) {
        match self.recall {
            None => {}
            Some(0) => {
                self.recall = None;
                let draft = std::mem::take(&mut self.draft);
                self.show(draft);
            }
            Some(k) => {
                self.recall = Some(k - 1);
                let line = self.history[self.history.len() - k].clone();
                self.show(line);
            }
        }
    }

    fn show(&mut self, line: String) {
        self.text = line;
        self.cursor = self.text.chars().count();
    }

    /// Tab: put in what the candidates agree on after the word being completed (and a space
    /// when only one fits). Returns the choices when several fit and none was added.
    pub fn complete(&mut self, found: Completion) -> Option<Vec<String>> {
        let cursor = self.cursor_byte();
        let typed = self.text.get(found.start..cursor).unwrap_or("").to_string();
        let first = found.candidates.first()?;
        let common = found
            .candidates
            .iter()
            .fold(first.as_str(), |acc, w| common_prefix(acc, w));
        let mut addition = common.get(typed.len()..).unwrap_or("").to_string();
        if found.candidates.len() == 1 {
            addition.push(' ');
        }
        let added = !addition.trim().is_empty();
        addition.chars().for_each(|c| self.insert(c));
        match (found.candidates.len(), added) {
            (1, _) | (_, true) => None,
            _ => Some(found.candidates),
        }
    }
}

fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let end = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or_else(|| a.len().min(b.len()), |((i, _), _)| i);
    &a[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> InputLine {
        let mut line = InputLine::default();
        text.chars().for_each(|c| line.insert(c));
        line
    }

    #[test]
    fn editing_keys_change_the_text_where_the_cursor_is() {
        let mut line = typed("A ad x");
        line.move_cursor(Move::Left);
        line.move_cursor(Move::Left);
        line.insert('d');
        assert_eq!(line.text(), "A add x");
        line.move_cursor(Move::End);
        line.erase_word();
        assert_eq!(line.text(), "A add ");
        line.erase();
        line.move_cursor(Move::Start);
        line.erase_forward();
        assert_eq!(line.text(), " add");
    }

    #[test]
    fn up_and_down_walk_the_earlier_lines_and_come_back_to_the_draft() {
        let mut line = typed("A add x");
        line.take();
        "sync".chars().for_each(|c| line.insert(c));
        line.take();
        "B ".chars().for_each(|c| line.insert(c));
        line.older();
        assert_eq!(line.text(), "sync");
        line.older();
        assert_eq!(line.text(), "A add x");
        line.older();
        assert_eq!(line.text(), "A add x");
        line.newer();
        line.newer();
        assert_eq!(line.text(), "B ");
    }

    #[test]
    fn tab_puts_in_what_the_candidates_share_and_lists_several() {
        let found = |start, words: &[&str]| Completion {
            start,
            candidates: words.iter().map(|w| w.to_string()).collect(),
        };
        let mut line = typed("A me");
        assert_eq!(line.complete(found(2, &["merge"])), None);
        assert_eq!(line.text(), "A merge ");
        let mut line = typed("re");
        let several = ["redo", "remove", "reset"];
        assert_eq!(
            line.complete(found(0, &several)),
            Some(several.map(String::from).to_vec())
        );
        assert_eq!(line.text(), "re");
        let mut line = typed("rem");
        assert_eq!(line.complete(found(0, &["remove"])), None);
        assert_eq!(line.text(), "remove ");
        let mut line = typed("zz");
        assert_eq!(line.complete(found(0, &[])), None);
        assert_eq!(line.text(), "zz");
    }
}
