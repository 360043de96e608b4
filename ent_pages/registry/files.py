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

BOM = b"\xef\xbb\xbf"


@functools.lru_cache(maxsize=8192)
def fold(value: str) -> str:
    """Lowercase, without accents, single spaces: how headers and enumerations are compared."""
    value = unicodedata.normalize("NFKD", value or "")
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", value).strip().lower()


def decode(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding): UTF-8 with BOM, UTF-8, else Windows-1252 (which decodes any byte string
    that is not valid UTF-8 in practice: Latin letters with accents from a French export)."""
    if raw.startswith(BOM):
        return raw[len(BOM):].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def detect_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ";"))


@dataclass
class Column:
    key: str
    header: str  # as documented (French)
    required: bool = True
    aliases: tuple[str, ...] = ()

    def names(self):
        return {fold(self.header), *(fold(a) for a in self.aliases)}


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
class ReadResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""


def read_rows(path: Path, columns: list[Column]) -> ReadResult:
    """Read a CSV export into rows keyed by column key; report missing columns and short rows."""
    result = ReadResult()
    name = path.name
    if not path.exists():
        result.errors.append(f"{name}: file missing")
        return result
    text, result.encoding = decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    result.separator = detect_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.separator)
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(f"{name}:1: empty file")
        return result
    positions = {}
    folded = [fold(h) for h in header]
    for column in columns:
        names = column.names()
        index = next((i for i, h in enumerate(folded) if h in names), None)
        if index is None:
            if column.required:
                result.errors.append(f"{name}:1: missing column \u00ab {column.header} \u00bb")
            continue
        positions[column.key] = index
    if result.errors:
        return result
    width = len(header)
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) < width:
            values = values + [""] * (width - len(values))
        result.rows.append(Row(name, line, {key: values[i].strip() for key, i in positions.items()}))
    return result


# ------------------------------------------------------------------------------------- values
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value: str) -> date:
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
