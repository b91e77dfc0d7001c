"""Vietnamese alphabetical order: the one sort key for district names everywhere."""

from __future__ import annotations

import unicodedata

import pandas as pd

# The Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y. Letters
# with a breve, circumflex or horn, and đ, are letters of their own that follow their base.
LETTER_MARKS = {"\u0306": "1", "\u0302": "2", "\u031b": "3"}  # breve, circumflex, horn
# Ranks đ after every d (d, then d with a mark, which Vietnamese never has, then đ).
D_STROKE_MARK = "4"
# Tone marks count only between names whose letters are equal, in the order taught in
# school: none, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot below).
TONE_MARKS = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def vietnamese_sort_key(text: str) -> tuple[str, str, str]:
    """Sort key: letters first, then tone marks, then the text itself; case is ignored.

    "Ba Đình" < "Ba Vì" < "Bắc Từ Liêm" < "Cầu Giấy" < "Đan Phượng" < "Đông Anh".
    """
    letters: list[list[str]] = []  # [base letter, letter mark, tone mark] per letter
    for char in unicodedata.normalize("NFD", str(text).casefold()):
        if char in LETTER_MARKS and letters:
            letters[-1][1] = LETTER_MARKS[char]
        elif char in TONE_MARKS and letters:
            letters[-1][2] = TONE_MARKS[char]
        elif char == "đ":
            letters.append(["d", D_STROKE_MARK, "0"])
        elif not unicodedata.combining(char):
            letters.append([char, "0", "0"])
    primary = "".join(base + mark for base, mark, _tone in letters)
    secondary = "".join(tone for _base, _mark, tone in letters)
    return primary, secondary, str(text)


def vietnamese_sort_keys(names: pd.Series) -> pd.Series:
    """The key above for a whole column, as plain strings, for `DataFrame.sort_values(key=...)`.

    The parts are joined by a character below every letter, so strings compare like the tuples.
    """
    return names.map(lambda name: "\x00".join(vietnamese_sort_key(name)))
