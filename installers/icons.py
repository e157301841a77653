"""Render the master icon (pcso_desk/resources/icons/pcso-desk.svg) into PNG sizes and the .ico.

    python installers/icons.py            # regenerate the files that differ
    python installers/icons.py --check    # exit 1 if a committed file is missing or stale

Outputs, all under pcso_desk/resources/icons/:
  pcso-desk-16.png ... pcso-desk-512.png   one PNG per size in PNG_SIZES
  pcso-desk.ico                            the Windows icon (sizes in ICO_SIZES), used by the
                                           PyInstaller build and the Inno Setup installer

Rendering uses Qt's own SVG renderer (QtSvg, part of PySide6-Essentials) into a transparent,
antialiased image, so no display is needed: QT_QPA_PLATFORM defaults to "offscreen" here.

The output is deterministic: the same SVG and the same Qt build give the same bytes every run
(Qt's PNG writer stores no timestamp), and files already up to date are not rewritten. A
different Qt release may antialias a few edge pixels differently; if `--check` then fails on
a machine with another PySide6, regenerate there and commit the result.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "pcso_desk" / "resources" / "icons"
MASTER = ICONS / "pcso-desk.svg"
ICO_FILE = ICONS / "pcso-desk.ico"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# The sizes Windows asks for: 16/24/32/48 in Explorer and the taskbar at 100-200 % scaling,
# 64 and 256 for large icon views. An ICO entry cannot be larger than 256.
ICO_SIZES = (16, 24, 32, 48, 64, 256)
DOTS_PER_METRE = 3780  # 96 dpi, Windows' 100 % scale


def png_path(size: int) -> Path:
    return ICONS / f"pcso-desk-{size}.png"


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn at size x size pixels on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons.py: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    # Straight (not premultiplied) alpha is what PNG stores; converting here keeps the
    # conversion out of the writer and the bytes the same whichever path Qt would take.
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    # The PNG's pHYs chunk comes from the image's resolution, which Qt otherwise takes from
    # the screen: pin it to 96 dpi so every machine writes the same bytes.
    image.setDotsPerMeterX(DOTS_PER_METRE)
    image.setDotsPerMeterY(DOTS_PER_METRE)

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"icons.py: Qt could not encode the {size} px PNG")
    buffer.close()
    return bytes(data.data())


def build_ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file holding each (size, PNG bytes) image as a PNG-compressed entry.

    Layout (all little-endian; see Microsoft's "Icons" documentation):
      ICONDIR        6 bytes   reserved=0 (u16), type=1 for icon (u16), count (u16)
      ICONDIRENTRY  16 bytes   each: width (u8), height (u8) -- 0 means 256 --,
                               colour count (u8, 0 = no palette), reserved (u8, 0),
                               colour planes (u16, 1), bits per pixel (u16, 32),
                               size of the image data (u32), offset from file start (u32)
      image data               the PNG files themselves, one after the other

    PNG entries are read by Windows Vista and later (and by PyInstaller and Inno Setup, which
    copy the entries into the .exe's icon resources unchanged).
    """
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, png in images:
        if not 1 <= size <= 256:
            raise ValueError(f"an ICO entry must be 1-256 px, not {size}")
        dimension = 0 if size == 256 else size
        entries += struct.pack("<BBBBHHII", dimension, dimension, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    return header + entries + b"".join(png for _, png in images)


def generate(svg: Path = MASTER) -> dict[Path, bytes]:
    """Every output file and the bytes it should hold."""
    from PySide6.QtGui import QGuiApplication

    # QtSvg paints through QPainter, which wants a GUI application object (fonts, screens).
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    pngs = {size: render_png(svg, size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    outputs = {png_path(size): pngs[size] for size in PNG_SIZES}
    outputs[ICO_FILE] = build_ico([(size, pngs[size]) for size in ICO_SIZES])
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a generated file is missing or differs",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    outputs = generate()
    stale = [path for path, data in outputs.items() if _read(path) != data]
    shown = [str(path.relative_to(ROOT)) for path in stale]
    if args.check:
        if stale:
            print("icons.py: out of date: " + ", ".join(shown), file=sys.stderr)
            print(
                "icons.py: run `python installers/icons.py` and commit the result.", file=sys.stderr
            )
            return 1
        print(f"icons.py: all {len(outputs)} icon files are up to date.")
        return 0
    for path in stale:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(outputs[path])
        temporary.replace(path)  # never leave a half-written icon behind
    print(
        f"icons.py: wrote {len(stale)} of {len(outputs)} files"
        + (": " if shown else ".")
        + ", ".join(shown)
    )
    return 0


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
