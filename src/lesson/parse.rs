//! Reading a lesson: pulldown-cmark events become a title, a setup, steps and questions. Every
//! refusal names the file and line, and every command is checked against the grammar here.

use super::{Lesson, LessonError, Question, Step};
use crate::script::{self, Action};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

type Found<T> = Result<T, (usize, String)>;

/// Parse a lesson. `file` names it in messages, and its stem becomes the lesson's name.
pub fn parse(file: &str, text: &str) -> Result<Lesson, LessonError> {
    let error = |(line, message): (usize, String)| LessonError {
        file: file.to_string(),
        line,
        message,
    };
    let mut reader = Reader {
        text,
        title: None,
        intro: Section::new(String::new(), 0, 0),
        steps: vec![],
    };
    reader.read().map_err(error)?;
    let Some((title, title_line)) = reader.title else {
        return Err(error((
            1,
            "the lesson has no title; start it with a '# Title' line".into(),
        )));
    };
    if reader.steps.is_empty() {
        return Err(error((
            title_line,
            "the lesson has no steps; each '## ' heading starts one".into(),
        )));
    }
    let steps = reader
        .steps
        .into_iter()
        .map(Section::into_step)
        .collect::<Found<Vec<Step>>>()
        .map_err(error)?;
    Ok(Lesson {
        name: stem(file),
        title,
        steps,
        intro: reader.intro.narration(),
        setup: reader.intro.commands,
        file: file.to_string(),
    })
}

fn stem(file: &str) -> String {
    let path = std::path::Path::new(file);
    path.file_stem()
        .map_or_else(|| file.to_string(), |s| s.to_string_lossy().into_owned())
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// The title page (before the first `##`) or one step.
struct Section {
    title: String,
    line: usize,
    /// Prose pieces between the blocks.
    prose: Vec<String>,
    /// Where the prose not yet taken starts.
    cursor: usize,
    commands: Vec<(usize, String)>,
    question: Option<Question>,
}

impl Section {
    fn new(title: String, line: usize, cursor: usize) -> Section {
        Section {
            title,
            line,
            prose: vec![],
            cursor,
            commands: vec![],
            question: None,
        }
    }

    /// Take the prose from the cursor up to `end`.
    fn take_prose(&mut self, text: &str, end: usize) {
        if let Some(piece) = text.get(self.cursor..end) {
            let piece = piece.trim();
            if !piece.is_empty() {
                self.prose.push(piece.to_string());
            }
        }
        self.cursor = self.cursor.max(end);
    }

    fn narration(&self) -> String {
        self.prose.join("\n\n")
    }

    fn into_step(self) -> Found<Step> {
        let narration = self.narration();
        if narration.is_empty() && self.commands.is_empty() && self.question.is_none() {
            let message = format!(
                "step '{}' has nothing in it; give it narration, a crdt block or an ask block",
                self.title
            );
            return Err((self.line, message));
        }
        Ok(Step {
            title: self.title,
            narration,
            commands: self.commands,
            question: self.question,
            line: self.line,
        })
    }
}

struct Reader<'a> {
    text: &'a str,
    title: Option<(String, usize)>,
    intro: Section,
    steps: Vec<Section>,
}

impl<'a> Reader<'a> {
    fn read(&mut self) -> Found<()> {
        let text = self.text;
        let mut events = Parser::new_ext(text, Options::ENABLE_TASKLISTS).into_offset_iter();
        while let Some((event, range)) = events.next() {
            match event {
                Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H2 => {
                    let (words, end) = inline_text(&mut events, range.end);
                    self.heading(level, words, range.start, end)?;
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    let kind = info.split_whitespace().next().unwrap_or("").to_string();
                    let (content, first, end) = block_text(&mut events, text, range.clone());
                    self.block(&kind, &content, first, range.start..end)?;
                }
                _ => {}
            }
        }
        let end = text.len();
        self.current().take_prose(text, end);
        Ok(())
    }

    fn current(&mut self) -> &mut Section {
        self.steps.last_mut().unwrap_or(&mut self.intro)
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        words: String,
        start: usize,
        end: usize,
    ) -> Found<()> {
        let line = line_of(self.text, start);
        if level == HeadingLevel::H1 {
            if self.title.is_some() {
                return Err((
                    line,
                    "a lesson has one '# ' title; make this heading a '## ' step".into(),
                ));
            }
            if !self.steps.is_empty() {
                return Err((
                    line,
                    "the '# ' title must come before the first '## ' step".into(),
                ));
            }
            self.title = Some((words, line));
            self.intro.cursor = end;
            return Ok(());
        }
        let text = self.text;
        self.current().take_prose(text, start);
        if words.is_empty() {
            return Err((line, "a step needs a title after '## '".into()));
        }
        self.steps.push(Section::new(words, line, end));
        Ok(())
    }

    fn block(&mut self, kind: &str, content: &str, first: usize, range: Range<usize>) -> Found<()> {
        if kind != "crdt" && kind != "ask" {
            return Ok(());
        }
        let line = line_of(self.text, range.start);
        let in_step = !self.steps.is_empty();
        let text = self.text;
        let section = self.current();
        section.take_prose(text, range.start);
        section.cursor = range.end;
        if kind == "crdt" {
            if section.question.is_some() {
                return Err((line, "commands after a question would run before it is asked; move this block above the ask block or into the next step".into()));
            }
            section.commands.extend(commands(content, first)?);
            return Ok(());
        }
        if !in_step {
            return Err((
                line,
                "a question belongs in a step; put a '## ' heading above it".into(),
            ));
        }
        if section.question.is_some() {
            return Err((
                line,
                format!(
                    "step '{}' already has a question; a step holds at most one",
                    section.title
                ),
            ));
        }
        section.question = Some(question(content, first, line)?);
        Ok(())
    }
}

/// The plain text of a heading, and where the heading ends.
fn inline_text<'a>(
    events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    mut end: usize,
) -> (String, usize) {
    let mut words = String::new();
    for (event, range) in events.by_ref() {
        match event {
            Event::End(TagEnd::Heading(_)) => {
                end = range.end;
                break;
            }
            Event::Text(t) | Event::Code(t) => words.push_str(&t),
            Event::SoftBreak | Event::HardBreak => words.push(' '),
            _ => {}
        }
    }
    (words.trim().to_string(), end)
}

/// A fenced block's content, the line its content starts on, and where the block ends.
fn block_text<'a>(
    events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    text: &str,
    range: Range<usize>,
) -> (String, usize, usize) {
    let mut content = String::new();
    let mut first = line_of(text, range.start) + 1;
    let mut end = range.end;
    for (event, r) in events.by_ref() {
        match event {
            Event::Text(t) => {
                if content.is_empty() {
                    first = line_of(text, r.start);
                }
                content.push_str(&t);
            }
            Event::End(TagEnd::CodeBlock) => {
                end = r.end;
                break;
            }
            _ => {}
        }
    }
    (content, first, end)
}

/// Commands a lesson may not use: they move along the log or touch files, and the player owns both.
fn forbidden(action: &Action) -> Option<&'static str> {
    match action {
        Action::Undo => Some("undo"),
        Action::Redo => Some("redo"),
        Action::Reset => Some("reset"),
        Action::Go(_) => Some("go"),
        Action::Save(_) => Some("save"),
        Action::Load(_) => Some("load"),
        Action::Export(_, Some(_)) => Some("export to a file"),
        _ => None,
    }
}

/// The commands of a crdt block, each checked by the grammar.
fn commands(content: &str, first: usize) -> Found<Vec<(usize, String)>> {
    let mut out = vec![];
    for (k, line) in content.lines().enumerate() {
        let number = first + k;
        match script::parse(line) {
            Err(error) => return Err((number, error.to_string())),
            Ok(None) => {}
            Ok(Some(action)) => {
                if let Some(word) = forbidden(&action) {
                    let message = format!(
                        "a lesson cannot use '{word}': the player moves through the lesson's log itself"
                    );
                    return Err((number, message));
                }
                out.push((number, line.trim().to_string()));
            }
        }
    }
    Ok(out)
}

/// An ask block: a prompt, a checklist of choices with one `[x]`, then the explanation.
fn question(content: &str, first: usize, fence: usize) -> Found<Question> {
    let at = |offset: usize| first + line_of(content, offset) - 1;
    let mut list: Option<Range<usize>> = None;
    let mut choices: Vec<(String, bool)> = vec![];
    let mut depth = 0;
    let mut item: Option<Range<usize>> = None;
    let mut marked: Option<(bool, usize)> = None;
    for (event, range) in Parser::new_ext(content, Options::ENABLE_TASKLISTS).into_offset_iter() {
        match event {
            Event::Start(Tag::List(_)) => {
                if depth == 0 && list.is_some() {
                    return Err((
                        at(range.start),
                        "a question has one checklist of choices".into(),
                    ));
                }
                depth += 1;
                if depth == 1 {
                    list = Some(range);
                }
            }
            Event::End(TagEnd::List(_)) => depth -= 1,
            Event::Start(Tag::Item) if depth == 1 => {
                item = Some(range);
                marked = None;
            }
            Event::TaskListMarker(checked) if depth == 1 && marked.is_none() => {
                marked = Some((checked, range.end))
            }
            Event::End(TagEnd::Item) if depth == 1 => {
                let start = item.take().map_or(range.start, |r| r.start);
                let Some((checked, text_start)) = marked else {
                    let message = format!(
                        "choice {} is not a checklist item; write '- [ ] choice', or '- [x] choice' for the right one",
                        choices.len() + 1
                    );
                    return Err((at(start), message));
                };
                let words = content
                    .get(text_start..range.end)
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                choices.push((words, checked));
            }
            _ => {}
        }
    }
    build_question(content, list, choices, fence)
}

fn build_question(
    content: &str,
    list: Option<Range<usize>>,
    choices: Vec<(String, bool)>,
    fence: usize,
) -> Found<Question> {
    let Some(list) = list else {
        return Err((fence, "the question has no choices; list them as '- [ ] choice', with '- [x]' on the right one".into()));
    };
    let prompt = content.get(..list.start).unwrap_or("").trim().to_string();
    let explanation = content.get(list.end..).unwrap_or("").trim().to_string();
    if prompt.is_empty() {
        return Err((
            fence,
            "the question has no prompt; write it above the choices".into(),
        ));
    }
    if choices.len() < 2 {
        return Err((fence, "a question needs at least two choices".into()));
    }
    let right: Vec<usize> = choices
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| *c)
        .map(|(k, _)| k)
        .collect();
    let answer = match right[..] {
        [one] => one,
        [] => {
            return Err((
                fence,
                "the question has no marked answer; mark the right choice with '- [x]'".into(),
            ));
        }
        _ => {
            let message = format!(
                "the question marks {} answers; mark only the right one with '- [x]'",
                right.len()
            );
            return Err((fence, message));
        }
    };
    if explanation.is_empty() {
        return Err((
            fence,
            "the question has no explanation; write it below the choices".into(),
        ));
    }
    let choices = choices.into_iter().map(|(words, _)| words).collect();
    Ok(Question {
        prompt,
        choices,
        answer,
        explanation,
    })
}
