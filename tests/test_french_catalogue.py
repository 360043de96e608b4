"""Préau speaks French: every user-facing string has a French translation, compiled and shipped."""

from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _entries():
    """(msgid, msgstr values, flags) from the committed catalogue, parsed without extra tools."""
    entries, current, key = [], None, None
    for raw in PO.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgstr": {}, "flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            key = None
        elif line.startswith("msgid "):
            key = ("msgid", None)
            current["msgid"] = line[6:].strip('"')
        elif line.startswith("msgstr"):
            index = line[line.find("[") + 1 : line.find("]")] if line.startswith("msgstr[") else "0"
            key = ("msgstr", index)
            current["msgstr"][index] = line[line.find(" ") + 1 :].strip('"')
        elif line.startswith('"') and key:
            if key[0] == "msgid":
                current["msgid"] += line.strip('"')
            else:
                current["msgstr"][key[1]] += line.strip('"')
    return [e for e in entries if e["msgid"]]


def test_every_string_has_a_french_translation():
    untranslated = [e["msgid"] for e in _entries() if not all(e["msgstr"].values())]
    assert untranslated == []


def test_no_translation_is_left_fuzzy():
    assert [e["msgid"] for e in _entries() if "fuzzy" in e["flags"]] == []


def test_compiled_catalogue_is_used():
    with translation.override("fr"):
        assert translation.gettext("Skip to content") == "Aller au contenu"
