"""Reading one registry export: encoding and separator detected, French headers matched loosely.

Exports from French school software come as UTF-8 (with or without BOM) or Windows-1252, separated
by ``;`` (sometimes ``,``). Headers are matched without case, accents or extra spaces, so
"Date de naissance", "DATE DE NAISSANCE" and "date  de naissance" are the same column.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

BOM = b"\xef\xbb\xbf"
#: Bytes that Windows-1252 leaves undefined: a file holding them is not Windows-1252 (nor UTF-8).
UNDEFINED_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
#: Control characters (C0 and C1, NUL included): never part of a name, a label or an email.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, but line breaks allowed (an address typed on several lines in a spreadsheet cell).
CONTROL_CHARS_MULTILINE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


@functools.lru_cache(maxsize=8192)
def fold(value: str) -> str:
    """Lowercase, without accents, single spaces, one apostrophe: how headers and enumerations are compared."""
    value = unicodedata.normalize("NFKD", (value or "").translate(_APOSTROPHES))
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", value).strip().lower()


@functools.lru_cache(maxsize=65536)
def fold_name(value: str) -> str:
    """How a child's name or class label is compared between two files: no case, accents, ligatures,
    apostrophes, hyphens or punctuation (``N'Diaye`` = ``NDIAYE``, ``Jean-Noël`` = ``JEAN NOEL``, ``Œ`` = ``OE``)."""
    value = fold((value or "").translate(_LIGATURES))
    value = re.sub(r"['.]", "", value)
    return re.sub(r"[\s\-_,;/]+", " ", value).strip()


#: A UTF-8 encoded accent or typographic sign (é = C3 A9, ’ = E2 80 99): mojibake if read as Windows-1252.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode(raw: bytes) -> tuple[str, str, list[tuple[int, str]]]:
    """Return (text, encoding, errors): UTF-8 (a BOM is skipped), else strict Windows-1252.

    A BOM followed by Windows-1252 bytes is Windows-1252 (a spreadsheet added the BOM). A file whose
    lines mix valid UTF-8 accents and Windows-1252 accents, or holding bytes undefined in
    Windows-1252, is an error at its first such line: a guessed decoding would store wrong names.
    """
    body, bom = (raw[len(BOM):], True) if raw.startswith(BOM) else (raw, False)
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", []
    except UnicodeDecodeError:
        pass
    utf8 = _UTF8_SEQUENCE.search(body)
    if utf8:  # UTF-8 accents in a file that is not UTF-8: two encodings, no decoding is right
        line = _line_of(body, utf8.start())
        lines = body.split(b"\n")
        other = line if not _is_utf8(lines[line - 1]) else next(n for n, text in enumerate(lines, 1) if not _is_utf8(text))
        if other == line:
            message = _("mixed encodings: this line mixes UTF-8 and Windows-1252 characters; export the file again")
        else:
            this, that = ("UTF-8", "Windows-1252") if line > other else ("Windows-1252", "UTF-8")
            message = _("mixed encodings: this line is in %(this)s but line %(other)d is in %(that)s; "
                        "export the file again") % {"this": this, "that": that, "other": min(line, other)}
            line = max(line, other)
        return "", "mixed", [(line, message)]
    undefined = UNDEFINED_CP1252.search(body)
    if undefined:
        return "", "cp1252", [(_line_of(body, undefined.start()), _(
            "byte 0x%(byte)02X is neither UTF-8 nor Windows-1252: the file is not a text export or is damaged"
        ) % {"byte": body[undefined.start()]})]
    return body.decode("cp1252"), "cp1252", []


def detect_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ";"))


@dataclass
class Column:
    key: str
    header: str  # as documented (French)
    required: bool = True
    aliases: tuple[str, ...] = ()
    max_length: int | None = None  # the database column's length: longer is an error, not a crash
    multiline: bool = False  # line breaks allowed in the value (addresses)

    def names(self):
        return {fold(self.header), *(fold(a) for a in self.aliases)}

    def find(self, folded_header):
        names = self.names()
        return next((i for i, h in enumerate(folded_header) if h in names), None)


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, key):
        return self.values.get(key, "")

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Table:
    """A CSV export decoded and split, before any column is looked up."""

    name: str
    header: list[str] = field(default_factory=list)
    lines: list[tuple[int, list[str]]] = field(default_factory=list)  # (line number, raw values)
    errors: list[str] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""

    @property
    def folded_header(self):
        return [fold(h) for h in self.header]


def read_table(path: Path, name: str | None = None) -> Table:
    """Decode and split a CSV export; blank lines are skipped, short lines padded to the header."""
    table = Table(name or path.name)
    if not path.exists():
        table.errors.append(f"{table.name}: " + _("file missing"))
        return table
    text, table.encoding, problems = decode(path.read_bytes())
    if problems:
        table.errors.extend(f"{table.name}:{line}: {message}" for line, message in problems)
        return table
    first_line = text.split("\n", 1)[0]
    table.separator = detect_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.separator)
    try:
        table.header = next(reader)
    except StopIteration:
        table.errors.append(f"{table.name}:1: " + _("empty file"))
        return table
    except csv.Error as error:
        table.errors.append(f"{table.name}:1: " + _("unreadable CSV (%(error)s)") % {"error": error})
        return table
    width = len(table.header)
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) < width:
                values = values + [""] * (width - len(values))
            table.lines.append((reader.line_num, values))
    except csv.Error as error:
        table.errors.append(f"{table.name}:{reader.line_num}: " + _("unreadable CSV (%(error)s)") % {"error": error})
    return table


def missing_column(column):
    return _("missing column « %(column)s »") % {"column": column.header}


def check_value(where: str, header: str, value: str, max_length: int | None = None, multiline=False) -> str | None:
    """The error for a value the database cannot or must not hold (control characters, too long), or None."""
    if (CONTROL_CHARS_MULTILINE if multiline else CONTROL_CHARS).search(value):
        return f"{where}: " + _("control character (such as NUL) in « %(column)s »: export the file again") % {"column": header}
    if max_length is not None and len(value) > max_length:
        return f"{where}: " + _("« %(column)s » is longer than %(max)d characters (%(length)d)") % {
            "column": header, "max": max_length, "length": len(value)}
    return None


@dataclass
class ReadResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""


def read_rows(path: Path, columns: list[Column], name: str | None = None) -> ReadResult:
    """Read a CSV export into rows keyed by column key; report missing columns, control characters and
    values longer than their database column."""
    table = read_table(path, name)
    result = ReadResult(errors=table.errors, encoding=table.encoding, separator=table.separator)
    if table.errors:
        return result
    positions = {}
    folded = table.folded_header
    for column in columns:
        index = column.find(folded)
        if index is None:
            if column.required:
                result.errors.append(f"{table.name}:1: " + missing_column(column))
            continue
        positions[column.key] = (index, column)
    if result.errors:
        return result
    for line, values in table.lines:
        row = Row(table.name, line, {key: values[i].strip() for key, (i, _column) in positions.items()})
        if CONTROL_CHARS.search("".join(row.values.values())):
            checked = positions.items()
        else:  # the usual case: only lengths to check
            checked = [(key, position) for key, position in positions.items() if position[1].max_length]
        for key, (_i, column) in checked:
            error = check_value(row.where(), column.header, row.values[key], column.max_length, column.multiline)
            if error:
                result.errors.append(error)
        result.rows.append(row)
    return result


# ------------------------------------------------------------------------------------- values
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


_DMY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


def parse_date(value: str) -> date:
    match = _DMY.fullmatch(value)
    if match:  # the usual JJ/MM/AAAA, without strptime's cost (tens of thousands of rows)
        day, month, year = match.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(value) from None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "autorise", "autorisee", "x"}
NO = {"non", "n", "no", "0", "faux", "false", "refuse", "refusee", "non autorise", "non autorisee"}


def parse_yes_no(value: str) -> bool | None:
    """The photo authorisation: yes, no, or unknown (empty). Raises ValueError otherwise."""
    folded = fold(value)
    if not folded:
        return None
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(value)


def split_list(value: str, pattern=r"[|,;]") -> list[str]:
    return [item.strip() for item in re.split(pattern, value or "") if item.strip()]


_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(value: str) -> bool:
    """Django's email validation, after a cheap shape check (tens of thousands of rows)."""
    if not _EMAIL_SHAPE.match(value):
        return False
    local, _at, domain = value.rpartition("@")
    return bool(validate_email.user_regex.match(local)) and len(local) <= 64 and _validate_email_cached(domain)


@functools.lru_cache(maxsize=4096)
def _validate_email_cached(domain: str) -> bool:
    try:
        validate_email(f"x@{domain}")
    except ValidationError:
        return False
    return True
