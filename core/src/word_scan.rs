//! Scans over text eight bytes at a time, for the checks every notification's body goes
//! through (may it stand in a plain-text body, does it need JSON escapes) and the words a
//! one-line cleaning copies as they are: each 8-byte word
//! is tested at once with the classic bit tricks, which say exactly whether such a byte is
//! in the word (not which one it is: the caller looks at that word byte by byte).

const WORD: usize = 8;
const ONES: u64 = u64::from_ne_bytes([0x01; WORD]);
const HIGH_BITS: u64 = ONES * 0x80;

/// How many bytes at the start of `bytes` are known to pass `plain`, found a whole word at
/// a time with `word_is_plain`, then byte by byte up to the first byte that fails.
fn plain_prefix(
    bytes: &[u8],
    word_is_plain: impl Fn(u64) -> bool,
    plain: impl Fn(u8) -> bool,
) -> usize {
    let from = words(bytes).take_while(|&word| word_is_plain(word)).count() * WORD;
    from + bytes[from..]
        .iter()
        .take_while(|&&byte| plain(byte))
        .count()
}

/// The whole 8-byte words at the start of `bytes`, each read with its first byte lowest
/// whatever the machine: the scans that look at a byte's neighbour find it in the next
/// higher byte, and the others do not mind the order.
fn words(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes.chunks_exact(WORD).map(|chunk| {
        let mut array = [0; WORD];
        array.copy_from_slice(chunk);
        u64::from_le_bytes(array)
    })
}

/// Whether every byte of `word` is ASCII other than DEL.
const fn is_ascii_without_delete(word: u64) -> bool {
    word & HIGH_BITS == 0 && !has_byte(word, 0x7F)
}

/// Whether some byte of `word` is below `limit` (at most 0x80).
const fn has_byte_below(word: u64, limit: u8) -> bool {
    word.wrapping_sub(ONES * limit as u64) & !word & HIGH_BITS != 0
}

/// Whether some byte of `word` is `byte`.
const fn has_byte(word: u64, byte: u8) -> bool {
    let matches_are_zero = word ^ (ONES * byte as u64);
    matches_are_zero.wrapping_sub(ONES) & !matches_are_zero & HIGH_BITS != 0
}

/// Whether a byte may stand in a plain-text body as it is: printable ASCII, the line feed
/// and the tab.
pub const fn is_body_ascii(byte: u8) -> bool {
    matches!(byte, b' '..=b'~' | b'\n' | b'\t')
}

/// How many bytes at the start of `bytes` pass [`is_body_ascii`]. A word with a control
/// character in it (in a body, nearly always a line break: a body has one at the end of
/// each of its lines) is told apart by which of its bytes are controls and which are line
/// feeds or tabs, still a whole word at a time.
pub fn body_ascii_prefix(bytes: &[u8]) -> usize {
    plain_prefix(
        bytes,
        |word| {
            is_ascii_without_delete(word)
                && (!has_byte_below(word, b' ')
                    || bytes_below_of_seven_bit_word(word, b' ')
                        & !(zero_bytes_of_seven_bit_word(word ^ (ONES * u64::from(b'\n')))
                            | zero_bytes_of_seven_bit_word(word ^ (ONES * u64::from(b'\t'))))
                        == 0)
        },
        is_body_ascii,
    )
}

/// Each byte of `word` that is zero marked by its high bit, exactly, for a word whose bytes
/// are all below 0x80: adding 0x7F carries into the high bit of every byte but a zero one,
/// and no sum crosses into the next byte.
const fn zero_bytes_of_seven_bit_word(word: u64) -> u64 {
    !(word + ONES * 0x7F) & HIGH_BITS
}

/// Each byte of `word` below `limit` marked by its high bit, exactly, for a word whose
/// bytes are all below 0x80: adding `0x80 - limit` carries into the high bit of every byte
/// at or above the limit, and no sum crosses into the next byte.
const fn bytes_below_of_seven_bit_word(word: u64, limit: u8) -> u64 {
    !(word + ONES * (0x80 - limit as u64)) & HIGH_BITS
}

/// How many bytes at the start of `bytes` are whole 8-byte words of printable ASCII in
/// which no space follows another (nor starts the text): where a line of words and the
/// single spaces between them is copied as it is. The caller goes on byte by byte from
/// there, and decides about a space the words end with.
pub fn single_spaced_words_prefix(bytes: &[u8]) -> usize {
    let mut end = 0;
    // A space at the very start is one the caller must not copy, as a second space is.
    let mut after_space = true;
    for word in words(bytes) {
        if !is_ascii_without_delete(word) || has_byte_below(word, b' ') {
            break;
        }
        let spaces = zero_bytes_of_seven_bit_word(word ^ (ONES * u64::from(b' ')));
        let first_is_space = spaces & 0x80 != 0;
        if spaces & (spaces << WORD) != 0 || (after_space && first_is_space) {
            break;
        }
        after_space = spaces >> 63 != 0;
        end += WORD;
    }
    end
}

/// Whether a byte must be escaped inside a JSON string: the quotation mark, the reverse
/// solidus and the control characters. No byte of a multi-byte character is one of them.
pub const fn needs_json_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// How many bytes at the start of `bytes` can go into a JSON string as they are.
pub fn json_plain_prefix(bytes: &[u8]) -> usize {
    plain_prefix(
        bytes,
        |word| !has_byte_below(word, 0x20) && !has_byte(word, b'"') && !has_byte(word, b'\\'),
        |byte| !needs_json_escape(byte),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every odd byte at every position of the second word, and in the tail after it.
    fn each_placement(odd: u8, check: impl Fn(&[u8], usize)) {
        for position in 0..2 * WORD + 3 {
            let mut bytes = *b"abcdefgh ~~~~~~~ xyzw";
            bytes[position] = odd;
            check(&bytes, position);
        }
    }

    #[test]
    fn body_prefixes_keep_line_feeds_and_tabs_and_stop_at_any_other_odd_byte() {
        let text = "abcdefgh\n~~~~~~~\tlines\n\nand tabs";
        assert_eq!(body_ascii_prefix(text.as_bytes()), text.len());
        for odd in [b'\r', 0x00, 0x0B, 0x1F, 0x7F, 0x80, 0xC3, 0xFF] {
            each_placement(odd, |bytes, position| {
                assert_eq!(body_ascii_prefix(bytes), position, "{odd:#x}");
            });
        }
        // Among line feeds and tabs, in every word, any other control still stops it.
        for odd in [b'\r', 0x00, 0x08, 0x0B, 0x1F, 0x7F] {
            for position in 0..24 {
                let mut bytes = *b"ab\ncd\tef\ngh\tij\nkl\tmn\nopqr";
                bytes[position] = odd;
                assert_eq!(body_ascii_prefix(&bytes), position, "{odd:#x}");
            }
        }
        for byte in 0..=u8::MAX {
            let printable = (0x20..0x7F).contains(&byte);
            assert_eq!(
                is_body_ascii(byte),
                printable || byte == b'\n' || byte == b'\t'
            );
        }
    }

    #[test]
    fn json_prefixes_stop_at_the_first_byte_to_escape() {
        let nothing_to_escape = "é ü • ~ ' / ℹ️ and then enough ASCII for whole words";
        assert_eq!(
            json_plain_prefix(nothing_to_escape.as_bytes()),
            nothing_to_escape.len()
        );
        for odd in [b'"', b'\\', b'\n', 0x00, 0x1F] {
            each_placement(odd, |bytes, position| {
                assert_eq!(json_plain_prefix(bytes), position, "{odd:#x}");
            });
        }
    }

    /// [`single_spaced_words_prefix`] by its definition, a word at a time, byte by byte.
    fn single_spaced_words_by_bytes(bytes: &[u8]) -> usize {
        let mut end = 0;
        while let Some(word) = bytes.get(end..end + WORD) {
            let printable = word.iter().all(|byte| (b' '..=b'~').contains(byte));
            let doubled =
                (end..end + WORD).any(|at| bytes[at] == b' ' && (at == 0 || bytes[at - 1] == b' '));
            if !printable || doubled {
                break;
            }
            end += WORD;
        }
        end
    }

    proptest::proptest! {
        #[test]
        fn single_spaced_words_are_found_as_bytes_would_find_them(
            text in "(([a-z~!]{1,9}|é)( |  )?){0,12}[ \t\u{7f}]?[a-z]{0,9}"
        ) {
            proptest::prop_assert_eq!(
                single_spaced_words_prefix(text.as_bytes()),
                single_spaced_words_by_bytes(text.as_bytes())
            );
        }
    }

    #[test]
    fn single_spaced_words_stop_at_the_word_with_a_second_space() {
        assert_eq!(single_spaced_words_prefix(b"abc defg hij  klmnopq"), 8);
        assert_eq!(single_spaced_words_prefix(b"abc def ghijklm nopqrstu"), 24);
        assert_eq!(single_spaced_words_prefix(b" abcdefghijklmnop"), 0);
        assert_eq!(single_spaced_words_prefix(b"abcdefg  hijklmn"), 8);
        assert_eq!(single_spaced_words_prefix(b"abcdefg hijklmn"), 8);
    }

    #[test]
    fn the_word_tests_agree_with_the_byte_tests_for_every_byte() {
        for byte in 0..=u8::MAX {
            let word = u64::from_ne_bytes([b'a', b'b', byte, b'c', b'd', b'e', b'f', b'g']);
            assert_eq!(has_byte_below(word, 0x20), byte < 0x20, "{byte:#x}");
            assert_eq!(has_byte(word, b'"'), byte == b'"', "{byte:#x}");
        }
    }
}
