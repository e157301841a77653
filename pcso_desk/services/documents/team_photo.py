"""The team photo: checked, scaled down and stored in the store, so it syncs to every station.

A photo file of up to 5 MB in any format Pillow reads (JPEG, PNG...) is turned the right way
up, scaled to fit 800 x 600 pixels and saved as a JPEG: a few tens of kilobytes, kept as
base64 text in `neighbourhoods.photo`. Packs and handouts draw it from there; with none set,
they draw no photo box at all.
"""

from __future__ import annotations

import base64
import binascii
import io
from pathlib import Path

from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Changes, Context
from pcso_desk.store import models as m

MAX_INPUT = 5 * 1024 * 1024  # bytes of the file chosen
MAX_PIXELS = 40_000_000  # refuse a decompression bomb before decoding it
SIZE = (800, 600)  # the stored photo fits this box: sharp on a printed A4 cover
QUALITY = 85


def prepare_photo(data: bytes) -> str:
    """The photo as stored: scaled down, JPEG, base64 text; or a one-sentence refusal."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_INPUT:
        raise ValidationError(
            f"The photo is {len(data) / 1048576:.1f} MB; choose one of 5 MB or less.",
            field="photo",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError("The photo has too many pixels to use.", field="photo")
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "The file is not a photo PCSO Desk can read; choose a JPEG or PNG.", field="photo"
        ) from exc
    picture.thumbnail(SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=QUALITY, optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def photo_bytes(stored: str) -> bytes | None:
    """The stored photo's JPEG bytes, or None for none (or text that is not a photo)."""
    if not stored:
        return None
    try:
        return base64.b64decode(stored, validate=True)
    except (binascii.Error, ValueError):
        return None


def set_team_photo(ctx: Context, neighbourhood_id: str, path: Path | None) -> Changes:
    """Set the neighbourhood's team photo from the file at `path` (None removes it). The
    record changes as any edit does (stamped, synced); screens showing it are told."""
    ctx.require(Action.ORGANISATION, "neighbourhoods")
    stored = ""
    if path is not None:
        try:
            size = path.stat().st_size
            if size > MAX_INPUT:
                raise ValidationError(
                    f"The photo is {size / 1048576:.1f} MB; choose one of 5 MB or less.",
                    field="photo",
                )
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(
                f"'{path.name}' could not be read: {exc.strerror or exc}.", field="photo"
            ) from None
        stored = prepare_photo(data)
    with ctx.store.write() as session:
        hood = session.get(m.Neighbourhood, neighbourhood_id)
        if hood is None or hood.deleted_at is not None:
            raise NotFoundError("That neighbourhood no longer exists.")
        hood.photo = stored
        ctx.stamp(hood, creating=False)
    return Changes("neighbourhoods", updated=(neighbourhood_id,))


def team_photo(ctx: Context, neighbourhood_id: str) -> bytes | None:
    """The neighbourhood's photo (JPEG bytes), or None."""
    ctx.require(Action.VIEW, "neighbourhoods")
    with ctx.store.read() as session:
        hood = session.get(m.Neighbourhood, neighbourhood_id)
        return photo_bytes(hood.photo) if hood is not None else None
