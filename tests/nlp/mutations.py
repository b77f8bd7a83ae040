"""Deterministic mutations of report files for fuzzing the readers: PDF metadata and page structure, HTML
markup and spans, DOCX package parts, and byte-level damage to any of them."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable

import pikepdf

from tests.fixtures.reportgen.hostile import lines_pdf

Mutation = Callable[[bytes, random.Random], bytes]


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _splice(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + data[rng.randrange(len(data)):][: rng.randint(1, 4000)] + data[start:]


BYTE_MUTATIONS: tuple[Mutation, ...] = (_flip_bytes, _truncate, _splice)

# Values of every PDF type that a metadata entry or a page attribute might hold instead of the right one.
_ODD_VALUES: tuple[Callable[[pikepdf.Pdf, random.Random], object], ...] = (
    lambda pdf, rng: pikepdf.Array([pikepdf.String("标题"), rng.randint(-9, 9), pikepdf.Name.X]),
    lambda pdf, rng: pikepdf.Dictionary(A=pikepdf.Array([1, 2])),
    lambda pdf, rng: pdf.make_stream(bytes(rng.randrange(256) for _ in range(64))),
    lambda pdf, rng: rng.choice([0, -1, 2**31, 3.5]),
    lambda pdf, rng: pikepdf.String(bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))),
    lambda pdf, rng: pikepdf.String(b"\xfe\xff" + bytes(rng.randrange(256) for _ in range(rng.randint(1, 9)))),
    lambda pdf, rng: pikepdf.Name("/" + "x" * rng.randint(1, 300)),
    lambda pdf, rng: pikepdf.Boolean(True) if hasattr(pikepdf, "Boolean") else True,
)


def _pdf_edit(data: bytes, edit: Callable[[pikepdf.Pdf, random.Random], None], rng: random.Random) -> bytes:
    pdf = pikepdf.open(io.BytesIO(data))
    edit(pdf, rng)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _odd(pdf: pikepdf.Pdf, rng: random.Random) -> object:
    return rng.choice(_ODD_VALUES)(pdf, rng)


def _metadata(pdf: pikepdf.Pdf, rng: random.Random) -> None:
    keys = ["/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate", "/ModDate"]
    info = pikepdf.Dictionary({key: _odd(pdf, rng) for key in rng.sample(keys, rng.randint(1, len(keys)))})
    pdf.trailer.Info = pdf.make_indirect(info) if rng.random() < 0.8 else _odd(pdf, rng)


def _page_attribute(pdf: pikepdf.Pdf, rng: random.Random) -> None:
    page = rng.choice(list(pdf.pages)).obj
    key = rng.choice(["/MediaBox", "/CropBox", "/Rotate", "/Resources", "/Contents", "/UserUnit"])
    if rng.random() < 0.3 and key in page:
        del page[key]
    else:
        page[key] = _odd(pdf, rng)


def _media_box(pdf: pikepdf.Pdf, rng: random.Random) -> None:
    page = rng.choice(list(pdf.pages)).obj
    page.MediaBox = pikepdf.Array([rng.choice([0, -1e6, 1e9]), 0, rng.choice([0, 1, 14400, 1e9]),
                                   rng.choice([0, -5, 14400])])


def _contents(pdf: pikepdf.Pdf, rng: random.Random) -> None:
    page = rng.choice(list(pdf.pages)).obj
    ops = [b"BT", b"ET", b"Tj", b"TJ", b"Tf", b"Td", b"q", b"Q", b"cm", b"re", b"f", b"(x)", b"[1 (a)]", b"/F1",
           b"12", b"-3.5", b"<<", b">>", b"Do", b"/Im0"]
    page.Contents = pdf.make_stream(b" ".join(rng.choice(ops) for _ in range(rng.randint(1, 400))))


def _catalog(pdf: pikepdf.Pdf, rng: random.Random) -> None:
    key = rng.choice(["/Outlines", "/Names", "/AcroForm", "/StructTreeRoot", "/Metadata", "/Lang"])
    pdf.Root[key] = _odd(pdf, rng)


PDF_EDITS = (_metadata, _metadata, _page_attribute, _media_box, _contents, _catalog)


def mutate_pdf(data: bytes, rng: random.Random) -> bytes:
    """A PDF with odd metadata or page structure, or byte-level damage."""
    if rng.random() < 0.75:
        try:
            return _pdf_edit(data, rng.choice(PDF_EDITS), rng)
        except (pikepdf.PdfError, ValueError, TypeError):  # pikepdf refused to write this one: damage bytes
            pass
    return rng.choice(BYTE_MUTATIONS)(data, rng)


def mutate_html(data: bytes, rng: random.Random) -> bytes:
    """HTML with odd spans, deep nesting, unclosed tags, bad bytes, or byte-level damage."""
    text = data.decode("utf-8")
    choice = rng.randrange(6)
    if choice == 0:
        value = rng.choice(["0", "-3", "abc", "200", "99999999", "2.5", ""])
        text = text.replace("<td", f'<td rowspan="{value}" colspan="{rng.choice(["3", "-1", "x", "200"])}"', 3)
    elif choice == 1:
        depth = rng.randint(50, 400)
        text = text.replace("<body>", "<body>" + "<div>" * depth, 1)
    elif choice == 2:
        text = text.replace("</td>", "", rng.randint(1, 50)).replace("</tr>", "", rng.randint(1, 10))
    elif choice == 3:
        raw = text.encode()
        cut = rng.randrange(len(raw))
        return raw[:cut] + bytes([rng.choice([0xFF, 0xC3, 0x80, 0xE4])]) + raw[cut:]
    elif choice == 4:
        text = text.replace("<table", "<table><tr><td><table", 1)
    else:
        return rng.choice(BYTE_MUTATIONS)(data, rng)
    return text.encode()


def _docx_part(data: bytes, rng: random.Random) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = rng.choice([n for n in names if n.endswith((".xml", ".rels"))])
    action = rng.randrange(4)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            part = source.read(name)
            if name == victim:
                if action == 0:
                    continue  # the part is missing
                if action == 1:
                    part = part[: rng.randrange(1, max(2, len(part)))]  # cut mid-XML
                elif action == 2:
                    part = part.replace(b"<dc:title>", b"<dc:title><x>" + bytes([0xFF]), 1)
                else:
                    part = _flip_bytes(part, rng)
            target.writestr(name, part)
    return out.getvalue()


def mutate_docx(data: bytes, rng: random.Random) -> bytes:
    """A DOCX with a missing, cut or damaged part, or byte-level damage to the package."""
    return _docx_part(data, rng) if rng.random() < 0.7 else rng.choice(BYTE_MUTATIONS)(data, rng)


def mutate_text(data: bytes, rng: random.Random) -> bytes:
    """Text with invalid bytes, NULs, a cut mid-character, or other byte-level damage."""
    choice = rng.randrange(4)
    if choice == 0:
        return data[: rng.randrange(1, len(data))]
    if choice == 1:
        cut = rng.randrange(len(data))
        return data[:cut] + b"\x00" * rng.randint(1, 200) + data[cut:]
    return rng.choice(BYTE_MUTATIONS)(data, rng)


def plain_pdf() -> bytes:
    """A one-page PDF of a few Latin lines and no report title: the container's metadata is all it has."""
    return lines_pdf(("Annual report", "Section one", "Some text of the body"))


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "pdf": mutate_pdf, "html": mutate_html, "docx": mutate_docx, "txt": mutate_text,
}
