//! Where a text's count of characters or UTF-16 units passes a limit, counted from its
//! bytes: what cutting a subject, a chat title, a name or an attribute needs.
//! The bytes are counted eight at a time in one machine word, where walking
//! `char_indices` decodes one character a step (a tenth of a long offer name's subject
//! went into that walk).

const TOP_BITS: u64 = 0x8080_8080_8080_8080;

/// The units of the characters that start in `word`, eight bytes of UTF-8: one for each
/// byte that starts a character (every byte but the continuation bytes `0b10xx_xxxx`),
/// and for UTF-16 one more for each byte that starts a four-byte character, which UTF-16
/// writes as a surrogate pair.
fn units_in_word<const UTF16: bool>(word: [u8; 8]) -> usize {
    let word = u64::from_le_bytes(word);
    // Shifting left moves each byte's lower bits up to its own top bit, so one mask
    // answers for all eight bytes: bit 7 set and bit 6 clear is a continuation byte.
    let mut lanes = (!(word & !(word << 1)) & TOP_BITS) >> 7;
    if UTF16 {
        // Bits 7 to 4 all set: a byte from 0xF0 up.
        lanes += (word & (word << 1) & (word << 2) & (word << 3) & TOP_BITS) >> 7;
    }
    // Each byte of `lanes` holds 0, 1 or 2: multiplying adds them all into the top byte.
    (lanes.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
}

/// [`units_in_word`] for one byte.
fn units_in_byte<const UTF16: bool>(byte: u8) -> usize {
    let starts = usize::from(byte & 0xC0 != 0x80);
    if UTF16 {
        starts + usize::from(byte >= 0xF0)
    } else {
        starts
    }
}

/// Where the count first passes `limit`: the start of the first character that does not
/// fit within `limit`. Whole words within the limit are counted at once; only the word
/// where it is passed is walked byte by byte.
fn end_within<const UTF16: bool>(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (words, _) = bytes.as_chunks::<8>();
    let mut used = 0;
    let mut from = words.len() * 8;
    for (index, &word) in words.iter().enumerate() {
        let in_word = units_in_word::<UTF16>(word);
        if used + in_word > limit {
            from = index * 8;
            break;
        }
        used += in_word;
    }
    for (at, &byte) in bytes.iter().enumerate().skip(from) {
        used += units_in_byte::<UTF16>(byte);
        // Only a character's first byte counts, so the byte that passes the limit
        // starts a character.
        if used > limit {
            return Some(at);
        }
    }
    None
}

/// The byte where the first `units` UTF-16 units of `text` end, that is where the first
/// character that does not fit within them starts; `None` when the whole text fits.
pub fn utf16_end(text: &str, units: usize) -> Option<usize> {
    end_within::<true>(text, units)
}

/// The byte where the first `chars` characters of `text` end, that is where character
/// number `chars` (from 0) starts; `None` when the text has no more than `chars`.
pub fn chars_end(text: &str, chars: usize) -> Option<usize> {
    end_within::<false>(text, chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ends_of_a_short_text() {
        let text = "a🚀é中b";
        assert_eq!(chars_end(text, 0), Some(0));
        assert_eq!(chars_end(text, 2), Some(5));
        assert_eq!(chars_end(text, 5), None);
        // The emoji's two units do not fit within two: the text ends before it.
        assert_eq!(utf16_end(text, 2), Some(1));
        assert_eq!(utf16_end(text, 3), Some(5));
        assert_eq!(utf16_end(text, 6), None);
        assert_eq!(utf16_end("", 0), None);
    }

    #[test]
    fn a_limit_passed_words_away_is_found_in_its_word() {
        let text = format!("{}é{}", "x".repeat(200), "🚀".repeat(100));
        assert_eq!(chars_end(&text, 200), Some(200));
        assert_eq!(chars_end(&text, 201), Some(202));
        // The first emoji passes 202 units, the second 203.
        assert_eq!(utf16_end(&text, 202), Some(202));
        assert_eq!(utf16_end(&text, 203), Some(206));
    }

    proptest::proptest! {
        #[test]
        fn counted_from_bytes_as_from_characters(
            text in "[a-z \u{7f}\u{80}é\u{7ff}\u{800}中\u{ffff}\u{10000}🚀\u{10ffff}]{0,300}",
            limit in 0usize..400,
        ) {
            let nth = text.char_indices().nth(limit).map(|(at, _)| at);
            proptest::prop_assert_eq!(chars_end(&text, limit), nth);

            let mut used = 0;
            let past = text.char_indices().find_map(|(at, c)| {
                used += c.len_utf16();
                (used > limit).then_some(at)
            });
            proptest::prop_assert_eq!(utf16_end(&text, limit), past);
        }
    }
}
