//! Drawing prose: the narration's Markdown blocks laid out into a wrapper, each kind of run in
//! its style.

use super::markdown::{Block, Kind};
use super::theme::Theme;
use super::wrap::Wrap;
use ratatui::style::{Modifier, Style};

/// The style of a kind of text in a theme.
pub fn style(kind: Kind, theme: &Theme) -> Style {
    match kind {
        Kind::Text => theme.text,
        Kind::Strong => theme.strong,
        Kind::Emphasis => theme.text.add_modifier(Modifier::ITALIC),
        Kind::StrongEmphasis => theme.strong.add_modifier(Modifier::ITALIC),
        Kind::Code | Kind::CodeBlock => theme.code,
        Kind::Heading => theme.strong.add_modifier(Modifier::UNDERLINED),
        Kind::Bullet => theme.label,
        Kind::Link => theme.text.add_modifier(Modifier::UNDERLINED),
        Kind::Note => theme.note,
        Kind::Refused => theme.error,
    }
}

/// Lay the blocks out into a wrapper.
pub fn lay_out<'a>(blocks: &'a [Block], theme: &Theme, wrap: &mut Wrap<'a>) {
    for block in blocks {
        if block.gap {
            wrap.block(0);
        }
        wrap.block(block.indent);
        for (text, kind) in &block.runs {
            match kind {
                Kind::Bullet => wrap.glue(text, style(*kind, theme)),
                Kind::Code => wrap.push(text, style(*kind, theme)),
                _ => wrap.words(text, style(*kind, theme)),
            }
        }
    }
}
