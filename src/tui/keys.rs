//! Keys: the one table of bindings (it feeds the footer and the `?` overlay too) and the pure
//! functions that turn a key or mouse event into a [`Message`].

use super::app::{Message, Mode};
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

/// A key as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Right,
    Left,
    Up,
    Down,
    PageUp,
    PageDown,
    Begin,
    End,
    Tab,
    BackTab,
    Enter,
    Esc,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The lab screen (a lesson or the sandbox) with nothing open over it.
    Lab,
    /// The home screen.
    Home,
    /// The prompt to resume a lesson at its saved step.
    Resume,
    /// The help, compare, timeline, answer or replica overlay.
    Overlay,
    /// A question waiting for an answer (or showing one).
    Question,
    /// Typing on the command line.
    Typing,
}

/// One row of the key table.
pub struct Binding {
    pub place: Place,
    pub keys: &'static [Key],
    /// How the keys are written in help and the footer.
    pub label: &'static str,
    /// What they do, for the help overlay.
    pub about: &'static str,
    /// A word for the footer; empty keeps the binding out of the footer.
    pub short: &'static str,
    pub message: Message,
}

const fn bind(
    place: Place,
    keys: &'static [Key],
    label: &'static str,
    about: &'static str,
    short: &'static str,
    message: Message,
) -> Binding {
    Binding {
        place,
        keys,
        label,
        about,
        short,
        message,
    }
}

use Key::*;
use Place::*;

/// Every key binding. The footer shows the ones with a short word, in this order, as many as fit.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(Lab, &[Right, Char(' '), Char('n')], "→ Space n", "next step (in the sandbox: redo)", "next", Message::Next),
    bind(Lab, &[Left, Char('b')], "← b", "previous step (in the sandbox: undo); pauses --auto", "back", Message::Back),
    bind(Lab, &[Begin, Char('g')], "Home g", "a lesson's first step (its title page)", "", Message::First),
    bind(Lab, &[End, Char('G')], "End G", "a lesson's last step (go N on the command line: step N)", "", Message::Last),
    bind(Lab, &[Char('p')], "p", "--auto: pause or resume the countdown in the title bar", "", Message::Pause),
    bind(Lab, &[Char(':'), Char('/')], ": /", "type a command (the REPL's language)", "command", Message::OpenCommand("")),
    bind(Lab, &[Tab], "Tab", "focus the next replica", "focus", Message::FocusNext),
    bind(Lab, &[BackTab], "Shift-Tab", "focus the previous replica", "", Message::FocusPrev),
    bind(Lab, &[Char('a')], "a", "add on the focused replica: a x", "add", Message::OpenCommand("a ")),
    bind(Lab, &[Char('r')], "r", "remove on the focused replica: r x", "", Message::OpenCommand("r ")),
    bind(Lab, &[Char('u')], "u", "undo", "undo", Message::Undo),
    bind(Lab, &[Ctrl('y')], "Ctrl-Y", "redo", "", Message::Redo),
    bind(Lab, &[Char('e')], "e", "explain an element: why is it there or not?", "explain", Message::OpenCommand("explain ")),
    bind(Lab, &[Char('c')], "c", "compare: the same history on every set type", "compare", Message::Compare),
    bind(Lab, &[Char('t')], "t", "timeline: replicas as columns, events as rows", "timeline", Message::Timeline),
    bind(Lab, &[Char('w')], "w", "the worked table: the history as the seeds' table; Enter jumps to a row", "table", Message::Worked),
    bind(Lab, &[Enter], "Enter", "the focused replica in full: every field, every entry whole", "", Message::Details),
    bind(Lab, &[Char('m')], "m", "the next message in flight in full (or click it)", "", Message::NextMessage),
    bind(Lab, &[Up], "↑", "scroll the focused replica up", "", Message::ScrollPanel(-1)),
    bind(Lab, &[Down], "↓", "scroll the focused replica down", "", Message::ScrollPanel(1)),
    bind(Lab, &[PageUp], "PgUp", "scroll the narration or output up", "", Message::ScrollSide(-5)),
    bind(Lab, &[PageDown], "PgDn", "scroll the narration or output down", "", Message::ScrollSide(5)),
    bind(Lab, &[Char('?')], "?", "this help", "help", Message::Help),
    bind(Lab, &[Char('h'), Char('l')], "h l", "as ← and →: previous and next step", "", Message::Back),
    bind(Lab, &[Char('k'), Char('j')], "k j", "as ↑ and ↓: scroll the focused replica", "", Message::ScrollPanel(-1)),
    bind(Lab, &[Char('M')], "M", "release the mouse so text can be selected (M again takes it back)", "", Message::ToggleMouse),
    bind(Lab, &[Ctrl('z')], "Ctrl-Z", "suspend to the shell (fg comes back); works everywhere", "", Message::Suspend),
    bind(Lab, &[Char('q'), Esc], "q Esc", "back (to the narration, then home) or quit", "quit", Message::Quit),
    bind(Home, &[Up, Char('k')], "↑ k", "choose the one above", "", Message::Select(-1)),
    bind(Home, &[Down, Char('j')], "↓ j", "choose the one below", "", Message::Select(1)),
    bind(Home, &[PageUp], "PgUp", "choose five above", "", Message::Select(-5)),
    bind(Home, &[PageDown], "PgDn", "choose five below", "", Message::Select(5)),
    bind(Home, &[Begin, Char('g')], "Home g", "choose the first lesson", "", Message::Select(i32::MIN)),
    bind(Home, &[End, Char('G')], "End G", "choose the last entry: the sandbox", "", Message::Select(i32::MAX)),
    bind(Home, &[Enter, Right, Char(' ')], "Enter →", "open the chosen lesson or the sandbox", "open", Message::Open),
    bind(Home, &[Char('?')], "?", "this help", "help", Message::Help),
    bind(Home, &[Char('q'), Esc], "q Esc", "quit", "quit", Message::Quit),
    bind(Place::Resume, &[Enter, Right, Char('r')], "Enter", "resume the lesson at its saved step", "resume", Message::Resume(true)),
    bind(Place::Resume, &[Char('s')], "s", "start the lesson over (the saved step stays saved)", "start over", Message::Resume(false)),
    bind(Place::Resume, &[Esc, Char('q')], "Esc", "close: the title page", "", Message::Quit),
    bind(Question, &[Char('1')], "1–9", "answer with that choice", "answer", Message::Answer(0)),
    bind(Question, &[Char('s')], "s", "give up: show the right answer and why (it counts as wrong)", "show answer", Message::GiveUp),
    bind(Question, &[Right, Enter, Char(' '), Char('n')], "→ Enter", "after answering: go on", "go on", Message::Next),
    bind(Question, &[Left, Char('b')], "← b", "back to the step before; pauses --auto", "", Message::Back),
    bind(Question, &[Char('p')], "p", "--auto: pause or resume the countdown", "", Message::Pause),
    bind(Question, &[Esc], "Esc", "close the question (→ asks it again)", "close", Message::CancelInput),
    bind(Question, &[Char('q')], "q", "leave the lesson (home, or quit)", "", Message::Quit),
    bind(Question, &[Up, Char('k')], "↑ k", "scroll the question up (when it does not fit)", "", Message::ScrollOverlay(-1)),
    bind(Question, &[Down, Char('j')], "↓ j", "scroll the question down", "", Message::ScrollOverlay(1)),
    bind(Overlay, &[Up, Char('k')], "↑ k", "scroll up (the worked table, the outcomes: the one above)", "", Message::ScrollOverlay(-1)),
    bind(Overlay, &[Down, Char('j')], "↓ j", "scroll down (the worked table, the outcomes: the one below)", "", Message::ScrollOverlay(1)),
    bind(Overlay, &[PageUp], "PgUp", "scroll up a page", "", Message::PageOverlay(-1)),
    bind(Overlay, &[PageDown, Char(' ')], "PgDn", "scroll down a page", "scroll", Message::PageOverlay(1)),
    bind(Overlay, &[Left], "←", "a table: scroll a column left", "", Message::ScrollColumns(-1)),
    bind(Overlay, &[Right], "→", "a table: scroll a column right", "", Message::ScrollColumns(1)),
    bind(Overlay, &[Char('c')], "c", "compare", "", Message::Compare),
    bind(Overlay, &[Char('t')], "t", "timeline", "", Message::Timeline),
    bind(Overlay, &[Char('w')], "w", "the worked table", "", Message::Worked),
    bind(Overlay, &[Char('?')], "?", "help", "", Message::Help),
    bind(Overlay, &[Enter], "Enter", "close (the worked table: jump to the chosen row's step; the outcomes: replay the chosen one)", "", Message::Open),
    bind(Overlay, &[Esc, Char('q')], "Esc q", "close", "close", Message::Quit),
    bind(Typing, &[Enter], "Enter", "run the command", "run", Message::Submit),
    bind(Typing, &[Tab], "Tab", "complete a command, replica or element", "complete", Message::Complete),
    bind(Typing, &[Up, Down], "↑ ↓", "earlier and later commands", "history", Message::HistoryUp),
    bind(Typing, &[Esc, Ctrl('c')], "Esc Ctrl-C", "leave the command line, dropping the line (as in the REPL)", "cancel", Message::CancelInput),
];

/// The bindings that apply in a mode.
pub fn bindings_for(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    let place = place_of(mode);
    BINDINGS.iter().filter(move |b| b.place == place)
}

pub fn place_of(mode: Mode) -> Place {
    match mode {
        Mode::Home => Home,
        Mode::Resume => Place::Resume,
        Mode::Lab => Lab,
        Mode::Overlay => Overlay,
        Mode::Question => Question,
        Mode::Typing => Typing,
    }
}

fn key_of(event: &KeyEvent) -> Option<Key> {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char(c) if ctrl => Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Char(c),
        KeyCode::Right => Right,
        KeyCode::Left => Left,
        KeyCode::Up => Up,
        KeyCode::Down => Down,
        KeyCode::PageUp => PageUp,
        KeyCode::PageDown => PageDown,
        KeyCode::Home => Begin,
        KeyCode::End => End,
        KeyCode::Tab => Tab,
        KeyCode::BackTab => BackTab,
        KeyCode::Enter => Enter,
        KeyCode::Esc => Esc,
        _ => return None,
    })
}

/// The message a key press means in a mode, if any. Pure: tests and `--auto` use it too.
pub fn message(mode: Mode, event: &KeyEvent) -> Option<Message> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let key = key_of(event)?;
    // Ctrl-C drops the line being typed, as in the REPL; anywhere else it quits at once.
    if key == Ctrl('c') {
        return Some(match mode {
            Mode::Typing => Message::CancelInput,
            _ => Message::ForceQuit,
        });
    }
    if let Some(message) = vim(mode, key).or_else(|| anywhere(mode, key)) {
        return Some(message);
    }
    match mode {
        Mode::Typing => typing(key),
        Mode::Question => question(key),
        _ => lookup(mode, key),
    }
}

/// `l` and `j` share their rows with `h` and `k` in the table; here they get their own message.
fn vim(mode: Mode, key: Key) -> Option<Message> {
    match (mode, key) {
        (Mode::Lab, Char('l')) => Some(Message::Next),
        (Mode::Lab, Char('j')) => Some(Message::ScrollPanel(1)),
        _ => None,
    }
}

/// Keys that mean the same on every screen: Ctrl-Z suspends (typing too), M releases the
/// mouse (except while typing, where it is a letter).
fn anywhere(mode: Mode, key: Key) -> Option<Message> {
    match key {
        Ctrl('z') => Some(Message::Suspend),
        Char('M') if mode != Mode::Typing => Some(Message::ToggleMouse),
        _ => None,
    }
}

fn lookup(mode: Mode, key: Key) -> Option<Message> {
    bindings_for(mode)
        .find(|b| b.keys.contains(&key))
        .map(|b| b.message.clone())
}

fn question(key: Key) -> Option<Message> {
    match key {
        Char(c @ '1'..='9') => Some(Message::Answer(c as usize - '1' as usize)),
        _ => lookup(Mode::Question, key),
    }
}

fn typing(key: Key) -> Option<Message> {
    Some(match key {
        Char(c) => Message::Type(c),
        Ctrl('a') | Begin => Message::Cursor(super::input::Move::Start),
        Ctrl('e') | End => Message::Cursor(super::input::Move::End),
        Left => Message::Cursor(super::input::Move::Left),
        Right => Message::Cursor(super::input::Move::Right),
        Ctrl('h') => Message::Erase,
        Ctrl('u') => Message::EraseLine,
        Ctrl('w') => Message::EraseWord,
        Up | Ctrl('p') => Message::HistoryUp,
        Down | Ctrl('n') => Message::HistoryDown,
        other => return lookup(Mode::Typing, other),
    })
}

/// Backspace and Delete are not in the table's key set; they arrive here.
pub fn editing(mode: Mode, event: &KeyEvent) -> Option<Message> {
    if mode != Mode::Typing || event.kind == KeyEventKind::Release {
        return None;
    }
    match event.code {
        KeyCode::Backspace => Some(Message::Erase),
        KeyCode::Delete => Some(Message::EraseForward),
        _ => None,
    }
}

/// The message a mouse event means: a click focuses, the wheel scrolls what is under it.
pub fn mouse(event: &MouseEvent) -> Option<Message> {
    let (x, y) = (event.column, event.row);
    match event.kind {
        MouseEventKind::Down(_) => Some(Message::Click { x, y }),
        MouseEventKind::ScrollUp => Some(Message::Wheel { x, y, delta: -3 }),
        MouseEventKind::ScrollDown => Some(Message::Wheel { x, y, delta: 3 }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn the_issue_keys_do_what_the_table_says() {
        let lab = |e: KeyEvent| message(Mode::Lab, &e);
        assert_eq!(lab(press(KeyCode::Right)), Some(Message::Next));
        assert_eq!(lab(press(KeyCode::Char(' '))), Some(Message::Next));
        assert_eq!(lab(press(KeyCode::Char('n'))), Some(Message::Next));
        assert_eq!(lab(press(KeyCode::Left)), Some(Message::Back));
        assert_eq!(lab(press(KeyCode::Char('b'))), Some(Message::Back));
        assert_eq!(lab(press(KeyCode::Char('p'))), Some(Message::Pause));
        assert_eq!(lab(press(KeyCode::Home)), Some(Message::First));
        assert_eq!(lab(press(KeyCode::Char('G'))), Some(Message::Last));
        assert_eq!(lab(press(KeyCode::Char('w'))), Some(Message::Worked));
        assert_eq!(
            lab(press(KeyCode::Char(':'))),
            Some(Message::OpenCommand(""))
        );
        assert_eq!(
            lab(press(KeyCode::Char('/'))),
            Some(Message::OpenCommand(""))
        );
        assert_eq!(lab(press(KeyCode::Tab)), Some(Message::FocusNext));
        assert_eq!(lab(press(KeyCode::Char('u'))), Some(Message::Undo));
        assert_eq!(
            lab(ctrl('z')),
            Some(Message::Suspend),
            "Ctrl-Z suspends, u undoes"
        );
        assert_eq!(lab(ctrl('y')), Some(Message::Redo));
        assert_eq!(
            lab(press(KeyCode::Char('e'))),
            Some(Message::OpenCommand("explain "))
        );
        assert_eq!(lab(press(KeyCode::Char('c'))), Some(Message::Compare));
        assert_eq!(lab(press(KeyCode::Char('t'))), Some(Message::Timeline));
        assert_eq!(lab(press(KeyCode::Char('?'))), Some(Message::Help));
        assert_eq!(lab(press(KeyCode::Char('q'))), Some(Message::Quit));
        assert_eq!(lab(press(KeyCode::Esc)), Some(Message::Quit));
    }

    #[test]
    fn typing_a_letter_types_it_instead_of_running_its_key() {
        assert_eq!(
            message(Mode::Typing, &press(KeyCode::Char('q'))),
            Some(Message::Type('q'))
        );
        assert_eq!(
            message(Mode::Typing, &press(KeyCode::Enter)),
            Some(Message::Submit)
        );
        assert_eq!(
            message(Mode::Typing, &press(KeyCode::Esc)),
            Some(Message::CancelInput)
        );
        assert_eq!(
            editing(Mode::Typing, &press(KeyCode::Backspace)),
            Some(Message::Erase)
        );
        assert_eq!(editing(Mode::Lab, &press(KeyCode::Backspace)), None);
    }

    #[test]
    fn digits_answer_a_question_and_ctrl_c_quits_except_on_the_command_line() {
        assert_eq!(
            message(Mode::Question, &press(KeyCode::Char('2'))),
            Some(Message::Answer(1))
        );
        assert_eq!(
            message(Mode::Question, &press(KeyCode::Char('s'))),
            Some(Message::GiveUp)
        );
        assert_eq!(
            message(Mode::Typing, &ctrl('c')),
            Some(Message::CancelInput)
        );
        for mode in [Mode::Home, Mode::Lab, Mode::Overlay, Mode::Question] {
            assert_eq!(message(mode, &ctrl('c')), Some(Message::ForceQuit));
        }
    }

    #[test]
    fn the_home_screen_jumps_to_its_ends_and_pages() {
        let home = |e: KeyEvent| message(Mode::Home, &e);
        assert_eq!(home(press(KeyCode::End)), Some(Message::Select(i32::MAX)));
        assert_eq!(
            home(press(KeyCode::Char('G'))),
            Some(Message::Select(i32::MAX))
        );
        assert_eq!(home(press(KeyCode::Home)), Some(Message::Select(i32::MIN)));
        assert_eq!(
            home(press(KeyCode::Char('g'))),
            Some(Message::Select(i32::MIN))
        );
        assert_eq!(home(press(KeyCode::PageDown)), Some(Message::Select(5)));
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut e = press(KeyCode::Right);
        e.kind = KeyEventKind::Release;
        assert_eq!(message(Mode::Lab, &e), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_place() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let shared = a.keys.iter().any(|k| b.keys.contains(k));
                assert!(
                    !(a.place == b.place && shared),
                    "{} and {} share a key",
                    a.label,
                    b.label
                );
            }
        }
    }
}
