"""Checking an uploaded attachment before it is stored: type, size, and what it really is.

Pure: bytes in, a verdict out. The name and the declared type are only claims; the bytes
must agree with them. Office files with macros, encrypted archives, ZIP bombs and PDFs
that run script or carry other files are refused. Messages follow the GOV.UK file upload
pattern and never quote the file's contents or its name (which may name a child).
"""

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from jigsaw.core.errors import Invalid

FIELD = "attachment"
MAX_NAME_LENGTH = 200
# An archive may hold at most this many times its own size, and this much in all.
MAX_ZIP_RATIO = 100
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
_CHUNK = 64 * 1024
_LOCKED = "The selected file is password protected: remove the password and try again"
_TOO_LARGE_UNPACKED = "The selected file is too large once unpacked: it may be damaged or harmful"


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An upload that passed every check: what it is, and a name safe to show and store."""

    media_type: str
    extension: str
    size: int
    sha256: str
    safe_name: str


@dataclass(frozen=True, slots=True)
class _Kind:
    label: str
    media_type: str
    also_declared_as: tuple[str, ...] = ()


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ODT = "application/vnd.oasis.opendocument.text"
_ODS = "application/vnd.oasis.opendocument.spreadsheet"
KINDS: dict[str, _Kind] = {
    "pdf": _Kind("PDF", "application/pdf"),
    "png": _Kind("PNG", "image/png"),
    "jpg": _Kind("JPG", "image/jpeg", ("image/jpg", "image/pjpeg")),
    "jpeg": _Kind("JPG", "image/jpeg", ("image/jpg", "image/pjpeg")),
    "gif": _Kind("GIF", "image/gif"),
    "heic": _Kind("HEIC", "image/heic", ("image/heif", "image/heic-sequence")),
    "heif": _Kind("HEIC", "image/heif", ("image/heic", "image/heif-sequence")),
    "docx": _Kind("DOCX", _DOCX),
    "xlsx": _Kind("XLSX", _XLSX),
    "odt": _Kind("ODT", _ODT),
    "ods": _Kind("ODS", _ODS),
    "txt": _Kind("TXT", "text/plain"),
    # Windows browsers send Excel's type for every .csv.
    "csv": _Kind("CSV", "text/csv", ("application/csv", "text/plain", "application/vnd.ms-excel")),
}
# Types that say nothing about the file: browsers send them when they do not know.
_UNSPECIFIC = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
_MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm"}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_DANGERS = {b"JavaScript", b"JS", b"EmbeddedFile", b"EmbeddedFiles", b"Launch"}
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_UNSAFE_NAME_CHARACTERS = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def check_upload(
    filename: str, data: bytes, *, declared_type: str | None, max_bytes: int
) -> CheckedFile:
    """Accept an upload only if it is a permitted type and really is what it claims.

    Raises:
        Invalid: ``{"attachment": message}`` saying what is wrong and what would be accepted.
    """
    if not data:
        _refuse("The selected file is empty")
    if len(data) > max_bytes:
        _refuse(f"The selected file must be smaller than {_megabytes(max_bytes)}")
    name = safe_name(filename)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in _MACRO_EXTENSIONS:
        _refuse("The selected file must not contain macros: save it as a DOCX or XLSX")
    kind = KINDS.get(extension)
    if kind is None:
        _refuse(f"The selected file must be a {allowed_types()}")
    _check_declared_type(kind, declared_type)
    _check_contents(extension, kind, data)
    return CheckedFile(
        media_type=kind.media_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        safe_name=name,
    )


def allowed_types() -> str:
    """The permitted types as people name them: "PDF, PNG, … or CSV"."""
    labels = list(dict.fromkeys(kind.label for kind in KINDS.values()))
    return f"{', '.join(labels[:-1])} or {labels[-1]}"


def safe_name(filename: str) -> str:
    """The file's own name without any folder, control or invisible characters.

    Invisible formatting characters go too: a right-to-left override can make
    "report\u202efdp.exe" look like "reportexe.pdf".
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", filename))[-1]
    cleaned = "".join(
        " " if char.isspace() else char
        for char in base
        if unicodedata.category(char) not in _UNSAFE_NAME_CHARACTERS or char.isspace()
    )
    cleaned = " ".join(cleaned.split()).lstrip(".")
    if not cleaned:
        return "attachment"
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        keep = MAX_NAME_LENGTH - len(extension) - 1
        cleaned = f"{stem[:keep]}.{extension}" if dot and keep > 0 else cleaned[:MAX_NAME_LENGTH]
    return cleaned


def _check_declared_type(kind: _Kind, declared_type: str | None) -> None:
    declared = (declared_type or "").partition(";")[0].strip().lower()
    if declared in _UNSPECIFIC:
        return
    if declared not in {kind.media_type, *kind.also_declared_as}:
        _refuse(f"The selected file's type does not match its name: it must be a {kind.label}")


def _check_contents(extension: str, kind: _Kind, data: bytes) -> None:
    not_what_it_claims = f"The selected file is not a real {kind.label}: it may be damaged"
    if kind.label in _SIGNATURES:
        if not _SIGNATURES[kind.label](data):
            _refuse(not_what_it_claims)
        if kind.label == "PDF":
            _check_pdf(data)
    elif kind.label in {"TXT", "CSV"}:
        _check_text(kind, data)
    elif data.startswith(_OLE_MAGIC):
        _refuse(
            "The selected file is password protected or in an old format: "
            f"remove the password and save it as a {kind.label}"
        )
    else:
        _check_archive(extension, kind, data, not_what_it_claims)


def _heif_brand(data: bytes) -> bool:
    box_size = int.from_bytes(data[:4], "big")
    brands = [data[8:12]] + [data[i : i + 4] for i in range(16, min(box_size, 64), 4)]
    return any(brand in _HEIF_BRANDS for brand in brands)


_SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "PDF": lambda data: data.startswith(b"%PDF-"),
    "PNG": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "JPG": lambda data: data.startswith(b"\xff\xd8\xff"),
    "GIF": lambda data: data[:6] in {b"GIF87a", b"GIF89a"},
    "HEIC": lambda data: data[4:8] == b"ftyp" and _heif_brand(data),
}


def _check_text(kind: _Kind, data: bytes) -> None:
    if b"\x00" in data:
        _refuse(f"The selected file is not a {kind.label} file: it contains binary data")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        _refuse(f"The selected file must be saved as UTF-8 {kind.label}")


def _check_archive(extension: str, kind: _Kind, data: bytes, not_what_it_claims: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        _refuse(not_what_it_claims)
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if any(member.flag_bits & 0x1 for member in members):
            _refuse(_LOCKED)
        macros = f"The selected file must not contain macros: save it as a {kind.label}"
        if any(name.lower().endswith("vbaproject.bin") for name in names) or any(
            name.startswith(("Basic/", "Scripts/")) for name in names
        ):
            _refuse(macros)
        _check_unpacked_size(archive, members, len(data))
        if extension in _OOXML_PART:
            if _OOXML_PART[extension] not in names or "[Content_Types].xml" not in names:
                _refuse(not_what_it_claims)
            if b"macroenabled" in archive.read("[Content_Types].xml").lower():
                _refuse(macros)
            return
        expected = kind.media_type.encode("ascii")
        if members[0].filename != "mimetype" or archive.read("mimetype").strip() != expected:
            _refuse(not_what_it_claims)
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read(
            "META-INF/manifest.xml"
        ):
            _refuse(_LOCKED)


def _check_unpacked_size(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], size: int
) -> None:
    """Refuse ZIP bombs: by the sizes the archive declares, then by really unpacking it.

    Declared sizes can lie, so every member is unpacked (and its checksum checked) with
    a running total that stops at the limit rather than filling memory.
    """
    limit = min(MAX_UNPACKED_BYTES, size * MAX_ZIP_RATIO)
    if len(members) > MAX_ZIP_MEMBERS or sum(member.file_size for member in members) > limit:
        _refuse(_TOO_LARGE_UNPACKED)
    unpacked = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > limit:
                        _refuse(_TOO_LARGE_UNPACKED)
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        RuntimeError,
        ValueError,
        EOFError,
        zlib.error,
    ):
        _refuse("The selected file is damaged: save it again and try again")


def _check_pdf(data: bytes) -> None:
    """Refuse PDFs that run script, launch programs or carry other files.

    Names may hide behind #xx escapes or inside compressed object streams, so both are
    looked through.
    """
    if b"Encrypt" in _pdf_names(data):
        _refuse(_LOCKED)
    budget = min(MAX_UNPACKED_BYTES, len(data) * MAX_ZIP_RATIO)
    for chunk in [data, *_pdf_streams(data, budget)]:
        if _pdf_names(chunk) & _PDF_DANGERS:
            _refuse(
                "The selected file must not contain scripts, attachments or links that "
                "open programs: print it to a new PDF and try again"
            )


def _pdf_names(chunk: bytes) -> set[bytes]:
    return {
        _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), name)
        for name in _PDF_NAME.findall(chunk)
    }


def _pdf_streams(data: bytes, budget: int) -> list[bytes]:
    """The contents of every Flate-compressed stream, unpacked up to ``budget`` bytes in all."""
    unpacked: list[bytes] = []
    for match in _PDF_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            content = inflater.decompress(body, max(budget, 0) + 1)
        except zlib.error:
            continue  # not Flate (an image, say): nothing to look through
        budget -= len(content)
        if budget < 0:
            _refuse(_TOO_LARGE_UNPACKED)
        unpacked.append(content)
    return unpacked


def _megabytes(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    if megabytes >= 1:
        return f"{round(megabytes, 1):g}MB"
    return f"{round(limit / 1024, 1):g}KB"


def _refuse(message: str) -> NoReturn:
    raise Invalid({FIELD: message})
