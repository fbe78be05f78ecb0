"""Folding as buyers type, and the synonym list both engines read."""

from search.text import fold, folded_synonym_sets, synonym_sets, words


def test_fold_drops_diacritics_case_and_punctuation():
    assert fold("Đậu phụ Mơ – Hà Nội") == "dau phu mo ha noi"
    assert fold("NƯỚC MẮM, Cửa Hội!") == "nuoc mam cua hoi"
    assert fold("  mật   ong\trừng ") == "mat ong rung"
    assert fold("") == fold(None) == ""


def test_words_are_the_folded_words():
    assert words("Chè búp Thái Nguyên") == ["che", "bup", "thai", "nguyen"]


def test_synonyms_come_from_the_fixture_file_and_fold():
    assert ("chè", "trà") in synonym_sets()
    assert ("nhung huou", "nhung nai") in folded_synonym_sets()
    assert all(len(phrases) > 1 for phrases in folded_synonym_sets())
