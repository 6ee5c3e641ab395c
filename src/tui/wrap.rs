//! Word wrapping into a window of lines: pieces of styled text are laid out greedily, breaking only
//! where a piece allows it, and only the lines inside the window are built. The total line count
//! is always known, so a panel can say how much is above and below and nothing is cut silently.
//! Words far from the window are only measured, never stored, so a field of 10,000 elements
//! costs one cheap pass. A wrapper that cuts (for replica fields) never splits a word across
//! lines: a word wider than the line is cut with `…`, and a piece marked whole (a tag, a
//! stamp, a dot) is never cut through.

pub use super::measure::width;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::borrow::Cow;
use std::ops::Range;

const SPACES: &str = "                                                                ";

/// The laid-out lines inside the window, and how many lines there are in all.
#[derive(Debug, Default)]
pub struct Wrapped<'a> {
    pub lines: Vec<Line<'a>>,
    pub total: usize,
    /// Some word in the window was cut with `…` (only a cutting wrapper cuts).
    pub cut: bool,
}

struct Piece<'a> {
    text: Cow<'a, str>,
    style: Style,
    /// Never cut through (a tag, stamp or dot); other pieces may be shortened with `…`.
    whole: bool,
}

/// Where lines of a cutting wrapper go on when a word does not fit at the block's indent.
const FALLBACK_INDENT: usize = 2;

pub struct Wrap<'a> {
    width: usize,
    window: Range<usize>,
    /// The line being filled (counted from 0), and its width so far.
    line: usize,
    col: usize,
    indent: usize,
    started: bool,
    /// The word being gathered: its pieces (only near the window), its width, and the width
    /// of the spaces that end it (dropped when the word ends a line).
    word: Vec<Piece<'a>>,
    word_width: usize,
    word_trailing: usize,
    word_started: bool,
    keep_word: bool,
    /// Stop as soon as the window is filled (when only a bound on the total is wanted).
    stop_at_window: bool,
    /// Cut words wider than the line instead of splitting them.
    cut: bool,
    /// Some word in the window was cut.
    was_cut: bool,
    spans: Vec<Span<'a>>,
    out: Vec<Line<'a>>,
}

/// The widest word the fills make, in columns: an element of the longest allowed length with
/// the punctuation around it. Prose words may be longer, but prose is short and starts at the
/// top, so its words are always near the window.
const WIDEST_WORD: usize = crate::lab::MAX_ELEM + 16;

impl<'a> Wrap<'a> {
    pub fn new(width: u16, window: Range<usize>) -> Wrap<'a> {
        Wrap {
            width: usize::from(width).max(1),
            window,
            line: 0,
            col: 0,
            indent: 0,
            started: false,
            word: Vec::new(),
            word_width: 0,
            word_trailing: 0,
            word_started: false,
            keep_word: false,
            stop_at_window: false,
            cut: false,
            was_cut: false,
            spans: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Lay out only up to the end of the window; `total` is then at most the window's end.
    pub fn up_to_window(mut self) -> Wrap<'a> {
        self.stop_at_window = true;
        self
    }

    /// Never split a word across lines: move it to the next line (at a smaller indent if that is
    /// what it takes), and cut a word wider than a whole line with `…`.
    pub fn cutting(mut self) -> Wrap<'a> {
        self.cut = true;
        self
    }

    /// The width lines are filled to.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The line being filled, counted from 0.
    pub fn line(&self) -> usize {
        self.line
    }

    /// True once nothing more can change what is wanted: the window is filled and only a
    /// bound was asked for. Long fills check it to stop early.
    pub fn full(&self) -> bool {
        self.stop_at_window && self.line >= self.window.end
    }

    /// Start a new line of the text; lines it wraps onto start `indent` columns in.
    pub fn block(&mut self, indent: usize) {
        self.flush();
        if self.started {
            self.newline(0);
        }
        self.started = true;
        self.indent = indent.min(self.width / 2).min(SPACES.len());
    }

    /// A piece after which a line may break.
    pub fn push(&mut self, text: impl Into<Cow<'a, str>>, style: Style) {
        self.glue(text, style);
        self.flush();
    }

    /// A piece that stays on one line with the next one.
    pub fn glue(&mut self, text: impl Into<Cow<'a, str>>, style: Style) {
        self.piece(text.into(), style, false);
    }

    /// A piece that stays on one line with the next one and is never cut through.
    pub fn glue_whole(&mut self, text: impl Into<Cow<'a, str>>, style: Style) {
        self.piece(text.into(), style, true);
    }

    fn piece(&mut self, text: Cow<'a, str>, style: Style, whole: bool) {
        if text.is_empty() {
            return;
        }
        // Text from users (elements, lessons, lines typed) shows control characters escaped.
        let text = match crate::script::render::escape(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(shown) => Cow::Owned(shown),
        };
        if !self.word_started {
            self.word_started = true;
            // A word this many lines back could still reach into the window when split.
            let reach = 2 + WIDEST_WORD / self.width.saturating_sub(self.indent).max(1);
            self.keep_word = self.line + reach >= self.window.start && self.line < self.window.end;
        }
        let w = width(&text);
        let core = text.trim_end();
        self.word_trailing = if core.len() == text.len() {
            0
        } else {
            w - width(core)
        };
        self.word_width += w;
        if self.keep_word {
            self.word.push(Piece { text, style, whole });
        }
    }

    /// Past the window nothing more is drawn: the rest can be measured with
    /// [`Wrap::glue_width`] and [`Wrap::break_width`] instead of laid out piece by piece.
    pub fn past_window(&self) -> bool {
        self.line >= self.window.end
    }

    /// Measure a piece of `w` columns that glues to the next (only past the window).
    pub fn glue_width(&mut self, w: usize) {
        if w == 0 {
            return;
        }
        self.word_started = true;
        self.keep_word = false;
        self.word_trailing = 0;
        self.word_width += w;
    }

    /// Measure a piece of `w` columns ending in `trailing` spaces, after which a line may break.
    pub fn break_width(&mut self, w: usize, trailing: usize) {
        self.glue_width(w);
        self.word_trailing = trailing;
        self.flush();
    }

    /// A line may break here, after what was laid out so far.
    pub fn end_word(&mut self) {
        self.flush();
    }

    /// Prose: a line may break after any space.
    pub fn words(&mut self, text: impl Into<Cow<'a, str>>, style: Style) {
        let text = text.into();
        let text = match text.contains('\n') {
            true => Cow::Owned(text.replace('\n', " ")),
            false => text,
        };
        match text {
            Cow::Borrowed(text) => {
                let mut rest = text;
                while let Some(i) = rest.find(' ') {
                    self.push(&rest[..=i], style);
                    rest = &rest[i + 1..];
                }
                self.glue(rest, style);
            }
            Cow::Owned(text) => {
                let mut rest = text.as_str();
                while let Some(i) = rest.find(' ') {
                    self.push(rest[..=i].to_string(), style);
                    rest = &rest[i + 1..];
                }
                self.glue(rest.to_string(), style);
            }
        }
    }

    fn visible(&self) -> bool {
        self.window.contains(&self.line)
    }

    fn newline(&mut self, indent: usize) {
        if self.visible() {
            let spans = std::mem::take(&mut self.spans);
            self.out.push(Line::from(spans));
        }
        self.line += 1;
        self.col = indent;
        if indent > 0 && self.visible() {
            self.spans.push(Span::raw(&SPACES[..indent]));
        }
    }

    /// Lay out the word gathered since the last break. A word goes on the current line if it
    /// fits, else on the next; one wider than a line is split across lines, or cut when this
    /// wrapper cuts. The spaces that end a word are kept only when the whole word fits where it
    /// starts.
    fn flush(&mut self) {
        if !self.word_started {
            return;
        }
        let trimmed = self.word_width - self.word_trailing;
        if self.col + trimmed > self.width {
            let room_at_indent = self.width.saturating_sub(self.indent);
            if self.cut && trimmed > room_at_indent && self.indent > FALLBACK_INDENT {
                self.indent = FALLBACK_INDENT.min(self.width / 2);
            }
            if self.col > self.indent {
                self.newline(self.indent);
            }
        }
        let keep = if self.col + self.word_width <= self.width {
            self.word_width
        } else {
            trimmed
        };
        let over = self.cut && self.col + keep > self.width;
        if self.keep_word {
            let word = std::mem::take(&mut self.word);
            if over {
                let visible = self.visible();
                self.was_cut |= self.place_cut(word) && visible;
            } else {
                let mut budget = keep;
                for piece in word {
                    budget = self.place(piece.text, piece.style, budget);
                }
            }
        } else if !over {
            self.measure(keep);
        }
        if over {
            // The next word starts a line of its own.
            self.col = self.width;
        }
        self.word.clear();
        self.word_width = 0;
        self.word_trailing = 0;
        self.word_started = false;
    }

    /// Put as much of a word as fits on the rest of the line, then `…`: whole pieces, and of the
    /// first piece that does not fit, its start, unless it must stay whole. When all that does
    /// not fit is punctuation (the `}, ` that ends an entry), it is left off and nothing is cut.
    /// Returns whether anything but punctuation was left off.
    fn place_cut(&mut self, word: Vec<Piece<'a>>) -> bool {
        let room = self.width.saturating_sub(self.col);
        let mut fits = 0;
        let mut used = 0;
        for piece in &word {
            let w = width(&piece.text);
            if used + w > room {
                break;
            }
            used += w;
            fits += 1;
        }
        let punctuation = |p: &Piece| p.text.chars().all(|c| matches!(c, ',' | '}' | ' '));
        if word[fits..].iter().all(punctuation) {
            for piece in word.into_iter().take(fits) {
                let w = width(&piece.text);
                self.emit(piece.text, piece.style, w);
            }
            return false;
        }
        let mut room = room.saturating_sub(1);
        let mut style = word.first().map_or(Style::default(), |p| p.style);
        for piece in word {
            let w = width(&piece.text);
            style = piece.style;
            if w <= room {
                room -= w;
                self.emit(piece.text, piece.style, w);
                continue;
            }
            if !piece.whole && room > 0 {
                let cut = split_at_width(&piece.text, room);
                let head = slice(&piece.text, 0, cut);
                let w = width(&head);
                self.emit(head, piece.style, w);
            }
            break;
        }
        self.emit(Cow::Borrowed("…"), style, 1);
        true
    }

    /// What `place` does to the line count and column, for `w` columns that are not drawn.
    fn measure(&mut self, w: usize) {
        let mut rest = w;
        loop {
            let room = self.width.saturating_sub(self.col);
            if rest <= room {
                self.col += rest;
                return;
            }
            rest -= room;
            self.newline(self.indent);
        }
    }

    /// Put a piece on the line, at most `budget` columns of it, continuing on the next lines
    /// when the line is full. Returns the budget left.
    fn place(&mut self, mut text: Cow<'a, str>, style: Style, budget: usize) -> usize {
        let mut budget = budget;
        while !text.is_empty() && budget > 0 {
            let room = self.width.saturating_sub(self.col);
            if room == 0 {
                self.newline(self.indent);
                continue;
            }
            let mut cut = split_at_width(&text, room.min(budget));
            if cut == 0 {
                if self.col > self.indent {
                    self.newline(self.indent);
                    continue;
                }
                // A character wider than the whole line: show it anyway.
                cut = text.chars().next().map_or(text.len(), char::len_utf8);
            }
            let head = slice(&text, 0, cut);
            let w = width(&head);
            self.emit(head, style, w);
            budget = budget.saturating_sub(w);
            text = slice(&text, cut, text.len());
        }
        budget
    }

    fn emit(&mut self, text: Cow<'a, str>, style: Style, w: usize) {
        if self.visible() {
            self.spans.push(Span::styled(text, style));
        }
        self.col += w;
    }

    pub fn finish(mut self) -> Wrapped<'a> {
        self.flush();
        if self.started && self.visible() {
            let spans = std::mem::take(&mut self.spans);
            self.out.push(Line::from(spans));
        }
        let total = if self.started { self.line + 1 } else { 0 };
        Wrapped {
            lines: self.out,
            total,
            cut: self.was_cut,
        }
    }
}

/// Part of a piece of text, borrowed when the text is.
fn slice<'a>(text: &Cow<'a, str>, from: usize, to: usize) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(&s[from..to]),
        Cow::Owned(s) => Cow::Owned(s[from..to].to_string()),
    }
}

/// The byte index where `text` reaches `room` columns.
fn split_at_width(text: &str, room: usize) -> usize {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > room {
            return i;
        }
        used += w;
    }
    text.len()
}

/// Just the number of lines, with nothing built.
pub fn count<'a>(width: u16, fill: impl FnOnce(&mut Wrap<'a>)) -> usize {
    let mut wrap = Wrap::new(width, 0..0);
    fill(&mut wrap);
    wrap.finish().total
}

/// The number of lines of fields (laid out by a cutting wrapper), with nothing built.
pub fn count_fields<'a>(width: u16, fill: impl FnOnce(&mut Wrap<'a>)) -> usize {
    let mut wrap = Wrap::new(width, 0..0).cutting();
    fill(&mut wrap);
    wrap.finish().total
}

/// The number of lines of fields, or `limit` if there are at least that many (stopping early).
pub fn count_fields_up_to<'a>(width: u16, limit: usize, fill: impl FnOnce(&mut Wrap<'a>)) -> usize {
    // An empty window at the limit: nothing is built, and filling stops there.
    let mut wrap = Wrap::new(width, limit..limit).up_to_window().cutting();
    fill(&mut wrap);
    wrap.finish().total.min(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn breaks_only_where_allowed_and_indents_continuations() {
        let mut wrap = Wrap::new(14, 0..10);
        wrap.block(6);
        wrap.glue("live  ", Style::default());
        for item in ["{a1, ", "b2, ", "c3, ", "d4}"] {
            wrap.push(item, Style::default());
        }
        let out = wrap.finish();
        assert_eq!(text(&out.lines), ["live  {a1, b2,", "      c3, d4}"]);
        assert_eq!(out.total, 2);
    }

    #[test]
    fn only_the_window_is_built_but_every_line_is_counted() {
        let mut wrap = Wrap::new(5, 2..3);
        for word in ["one ", "two ", "three ", "four"] {
            wrap.block(0);
            wrap.push(word, Style::default());
        }
        let out = wrap.finish();
        assert_eq!(text(&out.lines), ["three"]);
        assert_eq!(out.total, 4);
    }

    #[test]
    fn a_word_wider_than_the_line_is_split_not_cut() {
        let mut wrap = Wrap::new(4, 0..10);
        wrap.block(0);
        wrap.push("abcdefghij", Style::default());
        let out = wrap.finish();
        assert_eq!(text(&out.lines), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn measuring_far_from_the_window_counts_exactly_what_drawing_lays_out() {
        fn fill<'a>(items: &'a [String], wrap: &mut Wrap<'a>) {
            for (k, item) in items.iter().enumerate() {
                if k % 25 == 0 {
                    wrap.block(k % 7);
                }
                wrap.glue(item.as_str(), Style::default());
                wrap.push(", ", Style::default());
            }
        }
        let items: Vec<String> = (0..300).map(|k| "w".repeat(k % 37 + 1)).collect();
        for width in [5, 12, 30] {
            let mut drawn = Wrap::new(width, 0..usize::MAX);
            fill(&items, &mut drawn);
            let drawn = drawn.finish();
            assert_eq!(
                count(width, |w| fill(&items, w)),
                drawn.total,
                "width {width}"
            );
            assert_eq!(drawn.lines.len(), drawn.total);
            let mut late = Wrap::new(width, 200..210);
            fill(&items, &mut late);
            let late = late.finish();
            let expected: Vec<String> = text(&drawn.lines[200..210]);
            assert_eq!(
                text(&late.lines),
                expected,
                "the window far down, width {width}"
            );
        }
    }

    #[test]
    fn prose_breaks_at_spaces() {
        let mut wrap = Wrap::new(10, 0..10);
        wrap.block(0);
        wrap.words("the quick brown fox", Style::default());
        assert_eq!(text(&wrap.finish().lines), ["the quick ", "brown fox"]);
    }
}
