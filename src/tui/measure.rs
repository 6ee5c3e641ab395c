//! Measuring text as the screen shows it: the display width of a piece of text, and of a value
//! laid out as `{a, b}` or `{k: v}`. Shared by the drawing code and by what the session works
//! out for it.

use crate::crdt::Value;
use ratatui::text::Span;

/// The display width of a piece of text as the screen shows it: control characters escaped
/// (`\e`, `\x00`), as drawing shows them.
pub fn width(text: &str) -> usize {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.len();
    }
    let shown = crate::script::render::escape(text);
    Span::raw(shown.as_ref()).width()
}

/// The width of a value as text, without building the text.
pub fn value_width(value: &Value) -> usize {
    let inside = |n: usize, widths: usize| 2 + widths + 2 * n.saturating_sub(1);
    match value {
        Value::Scalar(s) => width(s),
        Value::Set(items) => inside(items.len(), items.iter().map(|i| width(i)).sum()),
        Value::Map(pairs) => inside(pairs.len(), pairs.iter().map(entry_width).sum()),
    }
}

/// The width of one map entry, `key: value`.
pub fn entry_width((key, value): &(String, Value)) -> usize {
    width(key) + 2 + value_width(value)
}

/// The widest entry of a field (an item of a set, `key: value` of a map), with the `{` or `}`
/// and the `, ` that may stand beside it on its line.
pub fn widest_entry(value: &Value) -> usize {
    let widest = match value {
        Value::Scalar(s) => width(s),
        Value::Set(items) => items.iter().map(|i| width(i)).max().unwrap_or(0),
        Value::Map(pairs) => pairs.iter().map(entry_width).max().unwrap_or(0),
    };
    widest + 3
}
