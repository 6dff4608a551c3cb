"""The message table (govindex.i18n): every message in English, Russian and Kazakh, with the same
fields, and every key the code and the templates use exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pandas as pd
import pytest

from govindex import Catalog, MethodError
from govindex.entities import LANGUAGES
from govindex.i18n import CLASS_KEYS, MESSAGES, check_language, class_name, text

SRC = Path(__file__).resolve().parents[1] / "src" / "govindex"
#: The Kazakh letters that Russian has not.
KAZAKH = set("әғқңөұүһі")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_three_languages_with_the_same_fields(key: str) -> None:
    versions = MESSAGES[key]
    assert len(versions) == len(LANGUAGES) == 3
    assert all(isinstance(v, str) and v.strip() for v in versions), key
    en, ru, kk = versions
    assert _fields(en) == _fields(ru) == _fields(kk), key
    for lang in LANGUAGES:  # each formats with its fields
        text(key, lang, **dict.fromkeys(_fields(en), "X"))


def test_translations_are_in_their_script() -> None:
    """Russian and Kazakh texts are in Cyrillic; the Kazakh ones use the Kazakh letters."""
    cyrillic = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
    # messages with English words (not only fields, codes and acronyms) are translated
    words = [
        k
        for k, (en, _, _) in MESSAGES.items()
        if re.search(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}|GPI|NPI|README", "", en))
    ]
    assert len(words) > 100
    for key in words:
        _, ru, kk = MESSAGES[key]
        assert cyrillic.search(ru), (key, ru)
        assert cyrillic.search(kk), (key, kk)
    used = {c for _, _, kk in MESSAGES.values() for c in kk}
    # the Kazakh letters of the texts (һ occurs only in loanwords; the glyph tests draw it too)
    assert used >= KAZAKH - {"һ"}


def test_keys_used_by_the_code_and_the_templates_exist() -> None:
    used: set[str] = set()
    pattern = re.compile(r"""\b(?:text|t)\(\s*["']([a-z_]+\.[a-z_ ]+)["']""")
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 60
    assert sorted(used - set(MESSAGES)) == []
    # the keys built at run time
    for cls in CLASS_KEYS:
        assert f"class.{cls}" in MESSAGES
    for family, values in {
        "kind": ("central", "local"),
        "stage": ("preliminary", "final"),
        "flag": ("imputed", "rebased", "derived", "break", "reference", "shifted", "capped"),
    }.items():
        for v in values:
            assert f"{family}.{v}" in MESSAGES


def test_lookups_and_errors() -> None:
    assert class_name("deteriorated", "kk") == "нашарлау"
    assert text("ranking.title", "ru", year=2025).endswith("2025")
    with pytest.raises(
        MethodError, match=r"unknown language 'kz'; expected one of 'en', 'ru', 'kk'"
    ):
        check_language("kz")
    with pytest.raises(MethodError, match=r"unknown message 'class\.improvd'; did you mean"):
        text("class.improvd")
    with pytest.raises(MethodError, match="needs the field 'year'"):
        text("ranking.title", "en")


def test_catalog_names_in_three_languages_leave_the_fingerprint_alone() -> None:
    frame = pd.DataFrame(
        {"code": ["G", "x", "y"], "parent": ["", "G", "G"], "name": ["Index", "Life", ""]}
    )
    plain = Catalog.from_frame(frame)
    named = Catalog.from_frame(
        frame.assign(name_ru=["Индекс", "Жизнь", ""], name_kk=["", "Өмір", ""])
    )
    assert named.fingerprint == plain.fingerprint  # a translation changes no number
    assert named.names(lang="ru").tolist() == ["Индекс", "Жизнь", "y"]
    assert named.names(lang="kk").tolist() == ["Index", "Өмір", "y"]  # English, then the code
    assert plain.names(lang="kk").tolist() == ["Index", "Life", "y"]
    assert "name_ru" not in plain.frame.columns  # kept only when given
