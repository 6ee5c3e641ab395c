//! Themes: named styles read from `assets/themes/*.json` (built in) or from a file, and the
//! `NO_COLOR` rule that drops colour but keeps every distinction (bold, underline, strike, markers).

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The themes shipped inside the binary, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../assets/themes/dark.json")),
    ("light", include_str!("../../assets/themes/light.json")),
    (
        "high-contrast",
        include_str!("../../assets/themes/high-contrast.json"),
    ),
];

/// Every style the screen uses. Each one also carries the modifiers that keep its meaning
/// without colour (see [`Theme::required`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub focus: Style,
    pub changed: Style,
    /// What went in the last change: struck through, where it stood.
    pub gone: Style,
    pub value: Style,
    pub label: Style,
    pub live: Style,
    pub removed: Style,
    pub meta: Style,
    pub derived: Style,
    pub error: Style,
    pub note: Style,
    pub ok: Style,
    pub hint: Style,
    pub key: Style,
    pub selected: Style,
    pub code: Style,
    pub strong: Style,
    pub arrow: Style,
    pub cut: Style,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    about: String,
    styles: BTreeMap<String, StyleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

/// Why a theme could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("no theme '{name}'; themes: {themes} (or a path to a .json file)")]
    Unknown { name: String, themes: String },
    #[error("cannot read theme {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("theme {name}: {problem}")]
    Bad { name: String, problem: ThemeProblem },
}

/// What is wrong inside a theme file.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ThemeProblem {
    #[error("{0}")]
    Json(String),
    #[error("unknown style '{0}'; styles: {styles}", styles = ROLES.join(", "))]
    UnknownStyle(String),
    #[error("{style}: '{word}' is not a colour")]
    Colour { style: String, word: String },
    #[error(
        "{style}: '{word}' is not a modifier (bold, dim, italic, underlined, reversed, crossed_out)"
    )]
    Modifier { style: String, word: String },
}

const ROLES: &[&str] = &[
    "text", "dim", "title", "border", "focus", "changed", "gone", "value", "label", "live",
    "removed", "meta", "derived", "error", "note", "ok", "hint", "key", "selected", "code",
    "strong", "arrow", "cut",
];

impl Theme {
    /// A built-in theme by name, or a JSON file by path. `no_color` drops every colour.
    pub fn load(name_or_path: &str, no_color: bool) -> Result<Theme, ThemeError> {
        let text = match BUILTIN.iter().find(|(name, _)| *name == name_or_path) {
            Some((_, json)) => json.to_string(),
            None if name_or_path.ends_with(".json") => std::fs::read_to_string(name_or_path)
                .map_err(|source| ThemeError::Read {
                    path: name_or_path.to_string(),
                    source,
                })?,
            None => {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(ThemeError::Unknown {
                    name: name_or_path.to_string(),
                    themes: names.join(", "),
                });
            }
        };
        let theme = Theme::parse(&text).map_err(|problem| ThemeError::Bad {
            name: name_or_path.to_string(),
            problem,
        })?;
        Ok(if no_color {
            theme.without_color()
        } else {
            theme
        })
    }

    /// The default dark theme.
    pub fn dark() -> Theme {
        Theme::parse(BUILTIN[0].1).unwrap_or_else(|_| Theme::plain("dark"))
    }

    /// The default theme with no colour at all, as under `NO_COLOR`.
    pub fn monochrome() -> Theme {
        Theme::dark().without_color()
    }

    pub fn parse(json: &str) -> Result<Theme, ThemeProblem> {
        let file: ThemeFile =
            serde_json::from_str(json).map_err(|e| ThemeProblem::Json(e.to_string()))?;
        let mut theme = Theme::plain(&file.name);
        for (role, spec) in &file.styles {
            let style = spec.style(role)?;
            let slot = theme
                .slot(role)
                .ok_or_else(|| ThemeProblem::UnknownStyle(role.clone()))?;
            *slot = style;
        }
        theme.add_required();
        Ok(theme)
    }

    fn plain(name: &str) -> Theme {
        let s = Style::default();
        let mut theme = Theme {
            name: name.to_string(),
            text: s,
            dim: s,
            title: s,
            border: s,
            focus: s,
            changed: s,
            gone: s,
            value: s,
            label: s,
            live: s,
            removed: s,
            meta: s,
            derived: s,
            error: s,
            note: s,
            ok: s,
            hint: s,
            key: s,
            selected: s,
            code: s,
            strong: s,
            arrow: s,
            cut: s,
        };
        theme.add_required();
        theme
    }

    fn slot(&mut self, role: &str) -> Option<&mut Style> {
        Some(match role {
            "text" => &mut self.text,
            "dim" => &mut self.dim,
            "title" => &mut self.title,
            "border" => &mut self.border,
            "focus" => &mut self.focus,
            "changed" => &mut self.changed,
            "gone" => &mut self.gone,
            "value" => &mut self.value,
            "label" => &mut self.label,
            "live" => &mut self.live,
            "removed" => &mut self.removed,
            "meta" => &mut self.meta,
            "derived" => &mut self.derived,
            "error" => &mut self.error,
            "note" => &mut self.note,
            "ok" => &mut self.ok,
            "hint" => &mut self.hint,
            "key" => &mut self.key,
            "selected" => &mut self.selected,
            "code" => &mut self.code,
            "strong" => &mut self.strong,
            "arrow" => &mut self.arrow,
            "cut" => &mut self.cut,
            _ => return None,
        })
    }

    /// The modifiers a role always has, so its meaning survives without colour.
    pub fn required(role: &str) -> Modifier {
        match role {
            "removed" => Modifier::CROSSED_OUT,
            "changed" => Modifier::BOLD | Modifier::UNDERLINED,
            "gone" => Modifier::BOLD | Modifier::CROSSED_OUT,
            "focus" | "value" | "title" | "strong" | "error" => Modifier::BOLD,
            "selected" | "key" => Modifier::REVERSED,
            "dim" | "hint" => Modifier::DIM,
            "meta" | "code" => Modifier::ITALIC,
            _ => Modifier::empty(),
        }
    }

    fn add_required(&mut self) {
        for role in ROLES {
            if let Some(slot) = self.slot(role) {
                let keep_reverse = slot.bg.is_none();
                let mut add = Theme::required(role);
                // A background colour already marks a selection; reversing it again would undo it.
                if !keep_reverse {
                    add.remove(Modifier::REVERSED);
                }
                *slot = slot.add_modifier(add);
            }
        }
    }

    /// The same theme with every colour dropped: only the modifiers remain.
    pub fn without_color(mut self) -> Theme {
        for role in ROLES {
            if let Some(slot) = self.slot(role) {
                *slot = Style::default().add_modifier(slot.add_modifier | Theme::required(role));
            }
        }
        self.name.push_str(" (no colour)");
        self
    }
}

impl StyleSpec {
    fn style(&self, role: &str) -> Result<Style, ThemeProblem> {
        let colour = |word: &String| {
            Color::from_str(word).map_err(|_| ThemeProblem::Colour {
                style: role.to_string(),
                word: word.clone(),
            })
        };
        let mut style = Style::default();
        if let Some(fg) = &self.fg {
            style = style.fg(colour(fg)?);
        }
        if let Some(bg) = &self.bg {
            style = style.bg(colour(bg)?);
        }
        for word in &self.modifiers {
            let found = modifier(word).ok_or_else(|| ThemeProblem::Modifier {
                style: role.to_string(),
                word: word.clone(),
            })?;
            style = style.add_modifier(found);
        }
        Ok(style)
    }
}

fn modifier(word: &str) -> Option<Modifier> {
    Some(match word {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        "crossed_out" | "strike" => Modifier::CROSSED_OUT,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_names_itself() {
        for (name, json) in BUILTIN {
            let theme = Theme::parse(json).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&theme.name, name);
        }
    }

    #[test]
    fn removed_things_are_struck_through_in_every_theme_and_without_colour() {
        for (name, _) in BUILTIN {
            for no_color in [false, true] {
                let theme = Theme::load(name, no_color).unwrap();
                assert!(
                    theme.removed.add_modifier.contains(Modifier::CROSSED_OUT),
                    "{name}"
                );
                assert!(
                    theme.changed.add_modifier.contains(Modifier::UNDERLINED),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn no_color_keeps_no_colour_at_all() {
        let theme = Theme::load("high-contrast", true).unwrap();
        for style in [
            theme.text,
            theme.removed,
            theme.selected,
            theme.error,
            theme.title,
        ] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
        assert!(theme.selected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_mistyped_theme_name_lists_the_themes() {
        let err = Theme::load("drak", false).unwrap_err().to_string();
        assert!(err.contains("dark, light, high-contrast"), "{err}");
    }

    #[test]
    fn a_bad_colour_in_a_theme_file_says_which_style() {
        let err =
            Theme::parse(r#"{"name": "x", "styles": {"live": {"fg": "purplish"}}}"#).unwrap_err();
        assert_eq!(
            err,
            ThemeProblem::Colour {
                style: "live".into(),
                word: "purplish".into()
            }
        );
        assert!(err.to_string().contains("live: 'purplish'"), "{err}");
    }
}
