//! Narration Markdown, read with pulldown-cmark into blocks of text runs of a kind (bold,
//! emphasis, `code`, lists, headings, code blocks); `prose` draws them.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// What a run of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Strong,
    Emphasis,
    StrongEmphasis,
    Code,
    Heading,
    Bullet,
    CodeBlock,
    Link,
    /// What the lab noted about a command (not Markdown: the step's report).
    Note,
    /// A rule that refused a command.
    Refused,
}

/// One paragraph, heading, list item or code line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    /// Lines this block wraps onto start this far in.
    pub indent: usize,
    /// An empty line goes before this block.
    pub gap: bool,
    pub runs: Vec<(String, Kind)>,
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    current: Option<Block>,
    lists: Vec<Option<u64>>,
    strong: usize,
    emphasis: usize,
    heading: bool,
    link: bool,
    code_block: bool,
    /// A list item was just opened, so its first paragraph continues its block.
    item_open: bool,
}

/// Read Markdown into blocks.
pub fn parse(markdown: &str) -> Vec<Block> {
    let mut reader = Reader::default();
    for event in Parser::new(markdown) {
        reader.event(event);
    }
    reader.close();
    reader.blocks
}

impl Reader {
    fn indent(&self) -> usize {
        self.lists.len().saturating_sub(1) * 2
    }

    fn open(&mut self, indent: usize, gap: bool) {
        self.close();
        let gap = gap && !self.blocks.is_empty();
        self.current = Some(Block {
            indent,
            gap,
            runs: vec![],
        });
    }

    fn close(&mut self) {
        if let Some(block) = self.current.take().filter(|b| !b.runs.is_empty()) {
            self.blocks.push(block);
        }
    }

    fn kind(&self) -> Kind {
        match (self.heading, self.link, self.strong > 0, self.emphasis > 0) {
            (true, _, _, _) => Kind::Heading,
            (_, true, _, _) => Kind::Link,
            (_, _, true, true) => Kind::StrongEmphasis,
            (_, _, true, false) => Kind::Strong,
            (_, _, false, true) => Kind::Emphasis,
            _ => Kind::Text,
        }
    }

    fn text(&mut self, text: &str, kind: Kind) {
        if self.current.is_none() {
            self.open(self.indent(), true);
        }
        if let Some(block) = self.current.as_mut() {
            match block.runs.last_mut() {
                Some((last, k)) if *k == kind => last.push_str(text),
                _ => block.runs.push((text.to_string(), kind)),
            }
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.code_block => self.code_lines(&text),
            Event::Text(text) => self.text(&text, self.kind()),
            Event::Code(text) => self.text(&text, Kind::Code),
            Event::SoftBreak => self.text(" ", self.kind()),
            Event::HardBreak => self.open(self.indent() + 2, false),
            Event::Rule => {
                self.open(0, true);
                self.text("────────", Kind::Text);
                self.close();
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph if self.item_open => self.item_open = false,
            Tag::Paragraph => self.open(self.indent(), self.lists.is_empty()),
            Tag::Heading { level, .. } => {
                self.open(0, true);
                self.heading = true;
                if level >= HeadingLevel::H3 {
                    self.text("▸ ", Kind::Heading);
                }
            }
            Tag::List(start) => {
                self.close();
                self.lists.push(start);
            }
            Tag::Item => self.item(),
            Tag::Strong => self.strong += 1,
            Tag::Emphasis => self.emphasis += 1,
            Tag::Link { .. } => self.link = true,
            Tag::CodeBlock(_) => {
                self.close();
                self.code_block = true;
            }
            _ => {}
        }
    }

    fn item(&mut self) {
        let depth = self.lists.len().saturating_sub(1) * 2;
        let marker = match self.lists.last_mut() {
            Some(Some(n)) => {
                let marker = format!("{n}. ");
                *n += 1;
                marker
            }
            _ => "• ".to_string(),
        };
        self.open(depth + marker.chars().count(), false);
        if let Some(block) = self.current.as_mut() {
            block.runs.push((" ".repeat(depth) + &marker, Kind::Bullet));
        }
        self.item_open = true;
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Item => self.close(),
            TagEnd::Heading(_) => {
                self.heading = false;
                self.close();
            }
            TagEnd::List(_) => {
                self.close();
                self.lists.pop();
            }
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Link => self.link = false,
            TagEnd::CodeBlock => self.code_block = false,
            _ => {}
        }
        self.item_open = self.item_open && !matches!(tag, TagEnd::Item);
    }

    fn code_lines(&mut self, text: &str) {
        for (k, line) in text.lines().enumerate() {
            self.open(4, k == 0);
            if let Some(block) = self.current.as_mut() {
                block.runs.push((format!("  {line}"), Kind::CodeBlock));
            }
            self.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| b.runs.iter().map(|(t, _)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn bold_code_and_lists_keep_their_kind() {
        let blocks = parse("An **add** mints `a1`.\n\n- first\n- second *one*\n\n1. one\n2. two\n");
        assert_eq!(
            flat(&blocks),
            [
                "An add mints a1.",
                "• first",
                "• second one",
                "1. one",
                "2. two"
            ]
        );
        assert_eq!(blocks[0].runs[1], ("add".to_string(), Kind::Strong));
        assert_eq!(blocks[0].runs[3], ("a1".to_string(), Kind::Code));
        assert_eq!(blocks[2].runs.last().map(|r| r.1), Some(Kind::Emphasis));
        assert!(!blocks[2].gap, "list items sit together");
    }

    #[test]
    fn soft_breaks_join_lines_of_a_paragraph() {
        let blocks = parse("one\ntwo");
        assert_eq!(flat(&blocks), ["one two"]);
    }

    #[test]
    fn code_blocks_keep_their_lines() {
        let blocks = parse("```crdt\nA add x\nsync\n```\n");
        assert_eq!(flat(&blocks), ["  A add x", "  sync"]);
        assert!(blocks.iter().all(|b| b.runs[0].1 == Kind::CodeBlock));
    }
}
