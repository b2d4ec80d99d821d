//! Cleaning only as much of a long text as a field shows: a headline of a thousand
//! characters is not cleaned whole only to be cut to a subject or a chat title.

/// Writes `clean` of `text` to `out`, or of only a first piece of it: pieces of growing
/// length, from `first_piece` bytes and twice as long each time, until what was written
/// from one `holds_enough` for the field. `clean` must write for a piece what it writes
/// for the whole text, up to the last characters it writes (which may see no neighbour
/// after them), and the field must cut before those.
pub fn clean_shown_into(
    out: &mut String,
    text: &str,
    first_piece: usize,
    clean: impl Fn(&mut String, &str),
    holds_enough: impl Fn(&str) -> bool,
) {
    let start = out.len();
    let mut piece = first_piece;
    while piece < text.len() {
        clean(out, &text[..text.floor_char_boundary(piece)]);
        if holds_enough(&out[start..]) {
            return;
        }
        out.truncate(start);
        piece = piece.saturating_mul(2);
    }
    clean(out, text);
}
