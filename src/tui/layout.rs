//! The layout measured at draw time: where each part of the screen went and how far each
//! scrolled part can scroll. Drawing writes it (into the app's `RefCell<Layout>`) every frame;
//! mouse and scroll handling read it. Plain data, so neither side imports the other.

use ratatui::layout::Rect;

/// The narrowest a replica panel gets before panels wrap into another row.
pub const PANEL_WIDTH: u16 = 26;
/// The lowest a replica panel gets: its borders and two lines.
pub const PANEL_HEIGHT: u16 = 4;
/// From this width on the narration and history stand in a column on the right.
pub const WIDE: u16 = 140;

/// Where everything goes on the lab screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    /// Each shown replica panel, with the replica's index.
    pub panels: Vec<(usize, Rect)>,
    /// A line saying which replicas did not fit, if any.
    pub more: Option<Rect>,
    pub network: Rect,
    /// Narration or output.
    pub side: Option<Rect>,
    pub history: Rect,
    /// A live timeline, when the screen is wide enough.
    pub timeline: Option<Rect>,
    pub status: Rect,
    pub command: Rect,
    pub footer: Rect,
    /// Everything between the title bar and the status line, for overlays.
    pub body: Rect,
}

/// What the last frame measured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Where the terminal's own cursor goes: on the command line while typing.
    pub cursor: Option<(u16, u16)>,
    /// The lab screen's areas (empty on the home screen).
    pub areas: Areas,
    /// How far each shown replica panel can scroll, by replica index.
    pub panel_scroll: Vec<(usize, usize)>,
    /// How far the side panel can scroll.
    pub side_scroll: usize,
    /// How far the open overlay can scroll down, and sideways (in table columns).
    pub overlay_scroll: usize,
    pub overlay_columns: usize,
    /// Where each message in flight is drawn on the network strip, by its number.
    pub messages: Vec<(usize, Rect)>,
}

impl Layout {
    /// How far replica `k`'s panel can scroll (0 when it is not on screen).
    pub fn panel_limit(&self, k: usize) -> usize {
        let found = self.panel_scroll.iter().find(|(r, _)| *r == k);
        found.map_or(0, |(_, most)| *most)
    }

    /// The replica whose panel holds a point.
    pub fn panel_at(&self, x: u16, y: u16) -> Option<usize> {
        let at = ratatui::layout::Position::new(x, y);
        let found = self.areas.panels.iter().find(|(_, r)| r.contains(at));
        found.map(|(k, _)| *k)
    }

    /// The message in flight drawn at a point.
    pub fn message_at(&self, x: u16, y: u16) -> Option<usize> {
        let at = ratatui::layout::Position::new(x, y);
        let found = self.messages.iter().find(|(_, r)| r.contains(at));
        found.map(|(n, _)| *n)
    }
}

/// The first log entry the history box shows, `height` lines tall, with `position` entries
/// done out of `len`: the current entry stays in sight, with a line or two after it.
pub fn history_start(position: usize, len: usize, height: usize) -> usize {
    let start = position
        .saturating_sub(height.saturating_sub(2).max(1))
        .min(len.saturating_sub(height));
    start.min(position.saturating_sub(1))
}
