//! The values expectations are written with: `{x, y}`, `{x: {a1, b1}}`, `{x: 12:00:05}`. Each
//! element is a word quoted as on a command line (`{'x, y', "it's"}`), so any element can be
//! written, and values are compared as what they are, item by item, never as text.

use crate::crdt::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::iter::Peekable;
use std::str::Chars;

/// Read a value: a word, or braces holding words (a set) or `key: value` pairs (a map).
pub fn parse(text: &str) -> Result<Value, String> {
    let mut reader = Reader {
        chars: text.chars().peekable(),
    };
    let value = reader.value()?;
    reader.skip_space();
    match reader.chars.next() {
        None => Ok(value),
        Some(c) => Err(format!(
            "'{c}' after the end of the value; quote an element that holds it"
        )),
    }
}

/// An element as a set literal writes it: quoted like a command-line word, and also when it
/// holds `,` `{` `}` or `:`, or starts or ends with space.
pub fn quote(text: &str) -> String {
    let edge = text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
    match edge || text.contains([',', '{', '}', ':']) {
        true => crate::lab::quoted(text),
        false => crate::lab::word(text).into_owned(),
    }
}

/// `{a, b}` with each element quoted as needed.
pub fn set(elements: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let words: Vec<String> = elements.into_iter().map(|e| quote(e.as_ref())).collect();
    format!("{{{}}}", words.join(", "))
}

/// Do two values hold the same items? Sets and maps compare as sets (order and repeats do not
/// matter), an empty set equals an empty map, and words compare exactly.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Scalar(a), Value::Scalar(b)) => a == b,
        (Value::Set(a), Value::Set(b)) => items(a) == items(b),
        (Value::Map(a), Value::Map(b)) => {
            let (a, b) = (pairs(a), pairs(b));
            a.len() == b.len()
                && a.iter()
                    .zip(&b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        (Value::Set(s), Value::Map(m)) | (Value::Map(m), Value::Set(s)) => {
            s.is_empty() && m.is_empty()
        }
        _ => false,
    }
}

fn items(list: &[String]) -> BTreeSet<&str> {
    list.iter().map(String::as_str).collect()
}

fn pairs(list: &[(String, Value)]) -> BTreeMap<&str, &Value> {
    list.iter().map(|(k, v)| (k.as_str(), v)).collect()
}

struct Reader<'a> {
    chars: Peekable<Chars<'a>>,
}

/// Where a word ends: a set item or map key ends at `,` `}` or `:`; a map's value may hold `:`
/// (a stamp such as `12:00:05`).
const KEY_END: &[char] = &[',', '}', ':', '{'];
const VALUE_END: &[char] = &[',', '}', '{'];

impl Reader<'_> {
    fn skip_space(&mut self) {
        while self.chars.next_if(|c| c.is_whitespace()).is_some() {}
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_space();
        if self.chars.next_if_eq(&'{').is_some() {
            return self.braces();
        }
        Ok(Value::Scalar(self.word(VALUE_END)?))
    }

    fn braces(&mut self) -> Result<Value, String> {
        self.skip_space();
        if self.chars.next_if_eq(&'}').is_some() {
            return Ok(Value::Set(vec![]));
        }
        let (mut items, mut pairs) = (vec![], vec![]);
        loop {
            let key = self.word(KEY_END)?;
            self.skip_space();
            if self.chars.next_if_eq(&':').is_some() {
                pairs.push((key, self.value()?));
                self.skip_space();
            } else {
                items.push(key);
            }
            if !items.is_empty() && !pairs.is_empty() {
                return Err("a value mixes elements and key: value pairs".into());
            }
            match self.chars.next() {
                Some(',') => continue,
                Some('}') => break,
                Some(c) => {
                    return Err(format!(
                        "'{c}' inside braces; quote an element that holds it"
                    ));
                }
                None => return Err("a { is not closed".into()),
            }
        }
        Ok(match pairs.is_empty() {
            true => Value::Set(items),
            false => Value::Map(pairs),
        })
    }

    /// One word, quoted as `shlex` quotes: '...' keeps everything, "..." reads \" \\ \$ \`,
    /// and a backslash outside quotes keeps the next character. Unquoted space at either end
    /// is dropped; space inside is kept. `''` is the empty string.
    fn word(&mut self, ends: &[char]) -> Result<String, String> {
        let mut out: Vec<(char, bool)> = vec![];
        let mut quoted = false;
        let unclosed = || "a quote is not closed".to_string();
        while let Some(c) = self.chars.next_if(|c| !ends.contains(c)) {
            quoted |= matches!(c, '\'' | '"' | '\\');
            match c {
                '\'' => loop {
                    match self.chars.next().ok_or_else(unclosed)? {
                        '\'' => break,
                        c => out.push((c, true)),
                    }
                },
                '"' => loop {
                    match self.chars.next().ok_or_else(unclosed)? {
                        '"' => break,
                        '\\' => match self.chars.next().ok_or_else(unclosed)? {
                            c @ ('$' | '`' | '"' | '\\') => out.push((c, true)),
                            '\n' => {}
                            c => out.extend([('\\', true), (c, true)]),
                        },
                        c => out.push((c, true)),
                    }
                },
                '\\' => out.push((self.chars.next().ok_or_else(unclosed)?, true)),
                c => out.push((c, false)),
            }
        }
        let unquoted_space = |&(c, q): &(char, bool)| !q && c.is_whitespace();
        let start = out.iter().position(|p| !unquoted_space(p));
        let end = out.iter().rposition(|p| !unquoted_space(p));
        match (start, end) {
            (Some(s), Some(e)) => Ok(out[s..=e].iter().map(|&(c, _)| c).collect()),
            _ if quoted => Ok(String::new()),
            _ => Err("an element is missing; write '' for the empty string".into()),
        }
    }
}
