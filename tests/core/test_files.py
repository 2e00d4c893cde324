"""Upload checks: permitted types only, and each file really is what its name says."""

import hashlib
import io
import zipfile
import zlib

import pytest

from jigsaw.core.errors import Invalid
from jigsaw.core.files import CheckedFile, allowed_types, check_upload, safe_name

MB = 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"

PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40)
GIF = b"GIF89a" + bytes(40)
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(40)
HEIF = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf" + bytes(40)
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def archive(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        if stored_first is not None:
            zipped.writestr(stored_first, members[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            if name != stored_first:
                zipped.writestr(name, content)
    return buffer.getvalue()


def docx(**extra: bytes) -> bytes:
    return archive(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>", **extra}
    )


def xlsx() -> bytes:
    return archive({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})


def odf(media_type: str, **extra: bytes) -> bytes:
    members = {"mimetype": media_type.encode(), "content.xml": b"<office:document/>", **extra}
    return archive(members, stored_first="mimetype")


def check(filename: str, data: bytes, declared: str | None = None) -> CheckedFile:
    return check_upload(filename, data, declared_type=declared, max_bytes=5 * MB)


def refusal(filename: str, data: bytes, declared: str | None = None) -> str:
    with pytest.raises(Invalid) as refused:
        check(filename, data, declared)
    assert list(refused.value.errors) == ["attachment"]
    message = refused.value.errors["attachment"]
    assert "Jayden" not in message  # never the file's name, which may name a child
    return message


@pytest.mark.parametrize(
    ("filename", "data", "declared", "media_type"),
    [
        ("Jayden referral.pdf", PDF, "application/pdf", "application/pdf"),
        ("bruise.png", PNG, "image/png", "image/png"),
        ("bruise.JPG", JPEG, "image/jpeg", "image/jpeg"),
        ("bruise.jpeg", JPEG, None, "image/jpeg"),
        ("drawing.gif", GIF, "image/gif", "image/gif"),
        ("phone photo.heic", HEIC, "image/heic", "image/heic"),
        ("phone photo.heif", HEIF, "application/octet-stream", "image/heif"),
        ("plan.docx", docx(), DOCX_TYPE, DOCX_TYPE),
        ("attendance.xlsx", xlsx(), XLSX_TYPE, XLSX_TYPE),
        ("plan.odt", odf(ODT_TYPE), ODT_TYPE, ODT_TYPE),
        ("attendance.ods", odf(ODS_TYPE), None, ODS_TYPE),
        ("notes.txt", "Notes — café".encode(), "text/plain; charset=utf-8", "text/plain"),
        (
            "visits.csv",
            b"\xef\xbb\xbfdate,who\n2026-01-02,HV\n",
            "application/vnd.ms-excel",
            "text/csv",
        ),
    ],
)
def test_each_permitted_type_is_accepted(
    filename: str, data: bytes, declared: str | None, media_type: str
) -> None:
    checked = check(filename, data, declared)
    assert checked.media_type == media_type
    assert checked.extension == filename.rpartition(".")[2].lower()
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.safe_name == filename


class TestRefusals:
    def test_an_empty_file(self) -> None:
        assert refusal("Jayden.pdf", b"") == "The selected file is empty"

    def test_a_file_over_the_limit_says_the_limit(self) -> None:
        with pytest.raises(Invalid) as refused:
            check_upload("a.pdf", PDF + bytes(10 * MB), declared_type=None, max_bytes=10 * MB)
        assert refused.value.errors == {"attachment": "The selected file must be smaller than 10MB"}
        with pytest.raises(Invalid, match=r"smaller than 2\.5MB"):
            check_upload("a.pdf", PDF + bytes(3 * MB), declared_type=None, max_bytes=5 * MB // 2)

    @pytest.mark.parametrize("filename", ["Jayden.exe", "Jayden", "Jayden.pdf.exe", "Jayden.svg"])
    def test_a_type_not_permitted_names_the_types_that_are(self, filename: str) -> None:
        message = refusal(filename, PDF)
        assert message == f"The selected file must be a {allowed_types()}"
        assert allowed_types() == ("PDF, PNG, JPG, GIF, HEIC, DOCX, XLSX, ODT, ODS, TXT or CSV")

    def test_a_png_renamed_pdf(self) -> None:
        assert (
            refusal("Jayden.pdf", PNG) == "The selected file is not a real PDF: it may be damaged"
        )

    @pytest.mark.parametrize(
        ("filename", "data"),
        [
            ("Jayden.png", JPEG),
            ("Jayden.jpg", PNG),
            ("Jayden.gif", PNG),
            ("Jayden.heic", b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomavc1" + bytes(8)),
            ("Jayden.docx", xlsx()),
            ("Jayden.xlsx", docx()),
            ("Jayden.odt", odf(ODS_TYPE)),
            ("Jayden.docx", PDF),
            ("Jayden.odt", archive({"content.xml": b"<x/>", "mimetype": ODT_TYPE.encode()})),
        ],
    )
    def test_contents_that_are_not_what_the_name_says(self, filename: str, data: bytes) -> None:
        assert "is not a real" in refusal(filename, data)

    def test_a_declared_type_that_disagrees_with_the_name(self) -> None:
        message = refusal("Jayden.pdf", PDF, "image/png")
        assert message == "The selected file's type does not match its name: it must be a PDF"

    @pytest.mark.parametrize("filename", ["Jayden.docm", "Jayden.XLSM", "Jayden.dotm"])
    def test_macro_enabled_office_files_by_name(self, filename: str) -> None:
        assert "must not contain macros" in refusal(filename, docx())

    def test_macro_enabled_office_files_by_content(self) -> None:
        assert "must not contain macros" in refusal(
            "Jayden.docx", docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
        )
        macro_types = CONTENT_TYPES.replace(
            b"application/xml", b"application/vnd.ms-word.document.macroEnabled.main+xml"
        )
        assert "must not contain macros" in refusal(
            "Jayden.docx", docx(**{"[Content_Types].xml": macro_types})
        )
        assert "must not contain macros" in refusal(
            "Jayden.odt", odf(ODT_TYPE, **{"Basic/Standard/Module1.xml": b"<script/>"})
        )

    def test_password_protected_documents(self) -> None:
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
        assert "password protected" in refusal("Jayden.docx", ole)
        assert "password protected" in refusal("Jayden.docx", with_encrypted_flag(docx()))
        manifest = b"<manifest:file-entry><manifest:encryption-data/></manifest:file-entry>"
        assert "password protected" in refusal(
            "Jayden.odt", odf(ODT_TYPE, **{"META-INF/manifest.xml": manifest})
        )

    def test_a_zip_bomb(self) -> None:
        bomb = docx(**{"word/media/image1.png": bytes(60 * MB)})
        assert len(bomb) < MB
        message = refusal("Jayden.docx", bomb)
        assert message == (
            "The selected file is too large once unpacked: it may be damaged or harmful"
        )

    def test_a_zip_whose_sizes_lie(self) -> None:
        # The central directory claims 10 bytes; unpacking finds more and a bad checksum.
        data = bytearray(docx(**{"word/media/big.bin": bytes(200_000)}))
        entry = data.rfind(b"PK\x01\x02")
        data[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
        assert refusal("Jayden.docx", bytes(data)) == (
            "The selected file is damaged: save it again and try again"
        )

    @pytest.mark.parametrize(
        "danger",
        [
            b"<< /S /JavaScript /JS (app.alert(1)) >>",
            b"<< /OpenAction << /S /J#61vaScript >> >>",
            b"<< /Type /EmbeddedFile /Length 4 >>",
            b"<< /Names << /EmbeddedFiles 5 0 R >> >>",
            b"<< /S /Launch /F (cmd.exe) >>",
        ],
    )
    def test_pdfs_that_run_script_or_carry_files(self, danger: bytes) -> None:
        data = PDF.replace(b"<< /Type /Catalog /Pages 2 0 R >>", danger)
        message = refusal("Jayden.pdf", data)
        assert message.startswith("The selected file must not contain scripts")
        assert "app.alert" not in message

    def test_script_hidden_in_a_compressed_object_stream(self) -> None:
        hidden = zlib.compress(b"3 0 obj << /S /JavaScript /JS 4 0 R >> endobj")
        data = PDF + b"5 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
        data += hidden + b"\nendstream\nendobj\n"
        assert "must not contain scripts" in refusal("Jayden.pdf", data)
        harmless = data.replace(hidden, zlib.compress(b"BT /F1 12 Tf (Hello) Tj ET"))
        assert check("Jayden.pdf", harmless).media_type == "application/pdf"

    def test_encrypted_pdfs(self) -> None:
        data = PDF.replace(b"<< /Root 1 0 R >>", b"<< /Root 1 0 R /Encrypt 9 0 R >>")
        assert "password protected" in refusal("Jayden.pdf", data)

    def test_text_must_be_utf8_without_nul_bytes(self) -> None:
        assert refusal("Jayden.csv", "café,1\n".encode("latin-1")) == (
            "The selected file must be saved as UTF-8 CSV"
        )
        assert refusal("Jayden.txt", b"MZ\x90\x00\x03\x00") == (
            "The selected file is not a TXT file: it contains binary data"
        )


def with_encrypted_flag(data: bytes) -> bytes:
    """The archive with every entry marked encrypted (zipfile cannot write encrypted ZIPs)."""
    patched = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = patched.find(signature)
        while start != -1:
            patched[start + flag_offset] |= 0x1
            start = patched.find(signature, start + 4)
    return bytes(patched)


class TestSafeName:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("C:\\Users\\sw\\Desktop\\plan.pdf", "plan.pdf"),
            ("../../etc/passwd.txt", "passwd.txt"),
            ("plan\x00\x1b[31m.pdf", "plan[31m.pdf"),
            ("report\u202efdp.exe", "reportfdp.exe"),
            ("  line\nbreak\t name.pdf ", "line break name.pdf"),
            ("...hidden.pdf", "hidden.pdf"),
            ("/", "attachment"),
            ("e\u0301te\u0301.pdf", "été.pdf"),
        ],
    )
    def test_folders_and_control_characters_are_removed(self, given: str, expected: str) -> None:
        assert safe_name(given) == expected

    def test_long_names_keep_their_extension(self) -> None:
        name = safe_name("x" * 500 + ".pdf")
        assert len(name) == 200
        assert name.endswith("x.pdf")

    def test_the_name_checked_is_the_safe_one(self) -> None:
        # A right-to-left override cannot make an .exe pass as a .pdf.
        assert "must be a PDF" in refusal("Jayden\u202efdp.exe", PDF)
        assert check("../../Jayden.pdf", PDF).safe_name == "Jayden.pdf"
