"""Text encodings of light-curve files: UTF-8 (with or without BOM), UTF-16 and latin-1.

Survey exports come from many tools: spreadsheets write a UTF-8 byte-order mark or UTF-16, older
pipelines latin-1 (``°``, ``±`` in headers). :func:`decode_text` recognises them in this order and
refuses binary content instead of guessing.
"""

from __future__ import annotations

import codecs

#: Byte-order marks and the codec each implies (UTF-8 first: its BOM is not a UTF-16 one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Largest fraction of non-ASCII bytes in a file accepted as latin-1 text (names and units, not data).
MAX_LATIN1_FRACTION = 0.3

#: Largest fraction of stray C0 control bytes (other than NUL) accepted in a text file: real exports carry a
#: few (AAVSO comment fields end in DOS end-of-file bytes, 0x1A); binary data has percents of them.
MAX_CONTROL_FRACTION = 1e-3

#: C0 control bytes that never occur in a text table (tab, newlines, vertical tab, form feed are allowed).
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])

#: Every other byte (deleted by ``bytes.translate`` to leave only the control bytes: C speed).
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


class BinaryContentError(ValueError):
    """The bytes are not text in any encoding :func:`decode_text` accepts."""


def _utf16_without_bom(raw: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when every other byte of ``raw`` is NUL (ASCII text in UTF-16)."""
    sample = raw[: 4096 - 4096 % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _decode(raw: bytes, codec: str, partial: bool) -> str:
    if not partial:
        return raw.decode(codec)
    decoder = codecs.getincrementaldecoder(codec)()
    return decoder.decode(raw, final=False)  # a character cut by the read limit waits for more bytes


def decode_text(raw: bytes, *, partial: bool = False) -> tuple[str, str]:
    """Decode the bytes of a text file.

    Parameters
    ----------
    raw : bytes
        The file's bytes (already decompressed).
    partial : bool
        ``raw`` is only the start of the file: a multi-byte character cut at the end is dropped.

    Returns
    -------
    text : str
        The text, without a byte-order mark.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with BOM), ``"utf-16"`` (with BOM), ``"utf-16-le"`` or
        ``"utf-16-be"`` (without), or ``"latin-1"``.

    Raises
    ------
    BinaryContentError
        NUL bytes or more than :data:`MAX_CONTROL_FRACTION` other control bytes outside UTF-16,
        undecodable UTF-16, or more than
        :data:`MAX_LATIN1_FRACTION` non-ASCII bytes in a file that is not UTF-8.
    """
    for bom, codec in BOMS:
        if raw.startswith(bom):
            try:
                return _decode(raw, codec, partial), codec
            except UnicodeDecodeError as exc:
                raise BinaryContentError(f"invalid {codec} text ({exc.reason})") from None
    codec = _utf16_without_bom(raw)
    if codec is not None:
        try:
            return _decode(raw, codec, partial), codec
        except UnicodeDecodeError as exc:
            raise BinaryContentError(f"invalid {codec} text ({exc.reason})") from None
    control = raw.translate(None, _NOT_CONTROL)
    if b"\x00" in control or len(control) > MAX_CONTROL_FRACTION * len(raw):
        raise BinaryContentError("binary content (NUL or control bytes) in a text format")
    try:
        return _decode(raw, "utf-8", partial), "utf-8"
    except UnicodeDecodeError:
        pass
    non_ascii = len(raw.translate(None, bytes(range(0x80))))  # bytes >= 0x80
    if non_ascii > MAX_LATIN1_FRACTION * len(raw):
        raise BinaryContentError(
            f"not text: {non_ascii} of {len(raw)} bytes are neither ASCII nor valid UTF-8"
        ) from None
    return raw.decode("latin-1"), "latin-1"
