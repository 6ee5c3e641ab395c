//! The user's settings for the TUI, remembered between runs: the theme and the `--auto`
//! interval. They come from `config.toml` in crdt-lab's config directory, and
//! `CRDT_LAB_THEME` overrides the file's theme; a flag on the command line overrides both.
//!
//! ```toml
//! # ~/.config/crdt-lab/config.toml
//! theme = "light"   # dark, light, high-contrast, or a path to a theme .json
//! auto = 4          # seconds per step when a lesson plays by itself
//! ```

use std::path::PathBuf;

/// What the user chose, where they chose anything.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub theme: Option<String>,
    pub auto: Option<f64>,
}

/// `config.toml` in crdt-lab's config directory (`~/.config/crdt-lab/` on Linux).
pub fn config_file() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("crdt-lab").join("config.toml"))
}

/// The settings from the config file (if there is one) and `CRDT_LAB_THEME`. A file that cannot
/// be read as settings is reported and left out: the TUI still starts.
pub fn load() -> (Settings, Option<String>) {
    let file = config_file().filter(|f| f.exists());
    let (mut settings, problem) = match file {
        None => (Settings::default(), None),
        Some(file) => match std::fs::read_to_string(&file) {
            Err(e) => (
                Settings::default(),
                Some(format!("{}: {e}", file.display())),
            ),
            Ok(text) => match parse(&text) {
                Ok(settings) => (settings, None),
                Err(e) => (
                    Settings::default(),
                    Some(format!("{}: {e}", file.display())),
                ),
            },
        },
    };
    if let Some(theme) = std::env::var("CRDT_LAB_THEME")
        .ok()
        .filter(|t| !t.is_empty())
    {
        settings.theme = Some(theme);
    }
    (settings, problem)
}

/// Read settings from `key = value` lines (the TOML this file needs: quoted strings, numbers,
/// `#` comments). An unknown key or a bad value is an error naming its line.
pub fn parse(text: &str) -> Result<Settings, String> {
    let mut settings = Settings::default();
    for (k, line) in text.lines().enumerate() {
        let line = strip_comment(line).trim();
        if line.is_empty() {
            continue;
        }
        let bad = |why: &str| format!("line {}: {why}", k + 1);
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| bad("expected key = value"))?;
        let value = value.trim();
        match key.trim() {
            "theme" => {
                settings.theme = Some(
                    string(value).ok_or_else(|| bad("theme is a quoted string, like \"light\""))?,
                )
            }
            "auto" => {
                let secs: f64 = value
                    .parse()
                    .map_err(|_| bad("auto is a number of seconds, like 4 or 2.5"))?;
                if !(secs.is_finite() && secs > 0.0) {
                    return Err(bad("auto is a number of seconds above 0"));
                }
                settings.auto = Some(secs);
            }
            other => {
                return Err(bad(&format!(
                    "unknown setting '{other}' (settings: theme, auto)"
                )));
            }
        }
    }
    Ok(settings)
}

/// A `"quoted"` (or `'literal'`) TOML string, without escapes.
fn string(value: &str) -> Option<String> {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
    (!inner.contains(['"', '\\'])).then(|| inner.to_string())
}

/// The line up to a `#` that is not inside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return &line[..i],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_sets_the_theme_and_the_auto_interval() {
        let text = "# mine\ntheme = \"light\"  # for the projector\nauto = 2.5\n";
        let settings = parse(text).expect("read");
        assert_eq!(settings.theme.as_deref(), Some("light"));
        assert_eq!(settings.auto, Some(2.5));
        let path = parse("theme = '/home/me/my theme.json'").expect("read");
        assert_eq!(path.theme.as_deref(), Some("/home/me/my theme.json"));
        assert_eq!(parse("").expect("read"), Settings::default());
    }

    #[test]
    fn a_bad_line_says_which_and_why() {
        assert_eq!(
            parse("theme = light").unwrap_err(),
            "line 1: theme is a quoted string, like \"light\""
        );
        assert!(
            parse("\nauto = 0")
                .unwrap_err()
                .starts_with("line 2: auto is a number")
        );
        assert!(parse("auto = soon").unwrap_err().contains("like 4 or 2.5"));
        assert!(
            parse("colour = 1")
                .unwrap_err()
                .contains("unknown setting 'colour'")
        );
        assert!(parse("theme").unwrap_err().contains("expected key = value"));
    }
}
