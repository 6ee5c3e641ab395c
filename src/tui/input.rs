//! The command line: the text being typed, its cursor, earlier lines, Tab completion over the
//! command table, replicas and elements, and the usage hint. It only edits text; running a
//! line is `script::execute`'s job.

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

/// What Tab did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completion {
    /// Nothing starts like that.
    Nothing,
    /// The word was completed (or extended as far as the candidates agree).
    Done,
    /// Several words fit; these are they.
    Choices(Vec<String>),
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

    pub fn history(&self) -> &[String] {
        &self.history
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

    /// Tab: complete the word before the cursor from `words`.
    pub fn complete(&mut self, words: &[String]) -> Completion {
        let head: String = self.text.chars().take(self.cursor).collect();
        let start = head.rfind(' ').map_or(0, |i| i + 1);
        let prefix = &head[start..];
        let fits: Vec<&String> = words.iter().filter(|w| w.starts_with(prefix)).collect();
        let Some(first) = fits.first() else {
            return Completion::Nothing;
        };
        let common = fits
            .iter()
            .fold(first.as_str(), |acc, w| common_prefix(acc, w));
        let mut addition = common[prefix.len()..].to_string();
        if fits.len() == 1 {
            addition.push(' ');
        }
        for c in addition.chars() {
            self.insert(c);
        }
        match fits.len() {
            1 => Completion::Done,
            _ if !common[prefix.len()..].is_empty() => Completion::Done,
            _ => Completion::Choices(fits.into_iter().cloned().collect()),
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

/// The usage of the command being typed, from the command table: `A merge ` hints `<R> merge <S>`.
pub fn hint(text: &str, table: &[(String, String, String)]) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    words.iter().find_map(|w| {
        table
            .iter()
            .find(|(name, _, _)| name == w)
            .map(|(_, usage, _)| usage.clone())
    })
}

/// `a x` and `r x` act on the focused replica: they become `<R> add x` and `<R> remove x`.
pub fn expand_focus(line: &str, replica: &str) -> String {
    let trimmed = line.trim_start();
    let verb = match trimmed.split_whitespace().next() {
        Some("a") => "add",
        Some("r") => "remove",
        _ => return line.to_string(),
    };
    let rest = trimmed[1..].trim_start();
    if rest.is_empty()
        || matches!(
            rest.split_whitespace().next(),
            Some("add" | "remove" | "merge" | "skew")
        )
    {
        return line.to_string();
    }
    format!("{replica} {verb} {rest}")
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
    fn tab_completes_a_unique_word_and_lists_several() {
        let words: Vec<String> = ["add", "merge", "partition", "remove", "reset", "redo"]
            .map(String::from)
            .into();
        let mut line = typed("A me");
        assert_eq!(line.complete(&words), Completion::Done);
        assert_eq!(line.text(), "A merge ");
        let mut line = typed("re");
        assert_eq!(
            line.complete(&words),
            Completion::Choices(vec!["remove".into(), "reset".into(), "redo".into()])
        );
        let mut line = typed("zz");
        assert_eq!(line.complete(&words), Completion::Nothing);
    }

    #[test]
    fn the_hint_is_the_usage_of_the_verb_being_typed() {
        let table = crate::script::command_table();
        assert_eq!(hint("A merge ", &table).as_deref(), Some("<R> merge <S>"));
        assert_eq!(
            hint("partition A", &table).as_deref(),
            Some("partition <R>... | <S>...")
        );
        assert_eq!(hint("A", &table), None);
    }

    #[test]
    fn a_and_r_act_on_the_focused_replica() {
        assert_eq!(expand_focus("a x", "B"), "B add x");
        assert_eq!(expand_focus("r 'two words'", "A"), "A remove 'two words'");
        assert_eq!(expand_focus("a", "A"), "a");
        assert_eq!(expand_focus("a add x", "A"), "a add x");
        assert_eq!(expand_focus("A add x", "B"), "A add x");
    }
}
