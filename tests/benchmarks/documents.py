"""W6 and W7: printed documents — a street briefing handout and monthly update packs.

Both run over one copy of the county store (`documents` under the work folder, made once per
run and untimed), so that what printing writes to the audit log never touches the shared
county store. The copy gets one change, untimed: the county's neighbourhoods have four or
five wards each, so wards of the same district (taken from its other neighbourhoods, each
keeping at least one ward where it can) are moved into the district's largest
neighbourhood until it has ten wards — the "ten-ward neighbourhood" of the budget. The month
is the demo's last complete month (February 2026: the demo's today is 15 March 2026).

W6 — street briefing handout (budget: at most 10× a bare reportlab canvas writing the same
number of pages). Workload: exactly what `pcso-desk briefing --ward NAME --out FILE.pdf`
does through `pcso_desk.services.documents.briefings`:
find the ward by name, gather the handout (permission check and "print" audit entry, team,
officers, streets, live priorities with their latest public actions, planned meetings), build
the PDF with reportlab platypus and write it atomically (fsync, rename). The ward is the
busiest one not moved into the ten-ward neighbourhood: most live priorities that apply to
it, then name. Figure: median seconds of `bench.runs` runs after the warm-up(s); reference:
the bare canvas of W7 (below) writing as many pages as the handout has, to a file in the
same folder, median of the same number of runs.

W7 — monthly pack of the ten-ward neighbourhood, and the district batch (budget: seconds per
page at most 8× a bare reportlab canvas's seconds per page). Workloads: exactly what
`pcso-desk monthly-pack --neighbourhood NAME --month 2026-02 --out FILE.zip` and
`pcso-desk monthly-pack --district NAME --month 2026-02 --out DIR` do through
`pcso_desk.services.documents.packs`: the export permission check and audit entry, every
figure of the month computed from the store, the public tables (small-number suppression),
five CSVs, a workbook and the PDF (cover, tables, three charts), all zipped and written
atomically; the batch does that for every neighbourhood of the ten-ward neighbourhood's
district. Pages are counted from the PDFs inside the zips written.

Reference: a bare `reportlab.pdfgen.canvas.Canvas` writing the same number of A4 pages to a
file in the same folder, each page a title line (Helvetica-Bold 16 pt) and 40 lines of plain
text (Helvetica 10 pt, ~75 characters each: about what a pack page holds), with reportlab's
default page compression; measured in the same run, median of the same number of runs. The
figure is seconds per page of whichever of the two (single pack, district batch) is slower
per page; both, with their pages per second and the reference's, are in the detail.
"""

from __future__ import annotations

import re
import statistics
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import (
    DEMO_DAY,
    Bench,
    Result,
    open_signed_in,
    raw_connection,
    slower_ratio,
)

MONTH = "2026-02"  # the last complete month before DEMO_DAY
TARGET_WARDS = 10
LINES_PER_PAGE = 40
LINE = "Figures for the ward this month: engagements 12, patrol hours 34.5, check-ins 56."

_made: dict[Path, tuple[Path, str, str]] = {}


# -- the store ---------------------------------------------------------------------------


def _documents_store(bench: Bench) -> tuple[Path, str, str]:
    """The copy of the county store with a ten-ward neighbourhood: (folder, hood, district)."""
    if bench.work in _made:
        return _made[bench.work]
    county = bench.county_store()
    started = time.perf_counter()
    folder = bench.copy_of(county, "documents")
    db = raw_connection(folder / "pcso-desk.sqlite")
    try:
        hood, district = _make_ten_ward_neighbourhood(db)
        db.commit()
    finally:
        db.close()
    bench.log(f"  copied the store and made {hood} a ten-ward neighbourhood in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    _made[bench.work] = (folder, hood, district)
    return folder, hood, district


def _make_ten_ward_neighbourhood(db: Any) -> tuple[str, str]:
    """Move wards into the largest neighbourhood of the district with the most wards."""
    rows = db.execute(
        "SELECT d.name, n.id, n.name, count(w.id) FROM neighbourhoods n "
        "JOIN districts d ON d.id = n.district_id "
        "LEFT JOIN wards w ON w.neighbourhood_id = n.id AND w.deleted_at IS NULL "
        "WHERE n.deleted_at IS NULL AND d.deleted_at IS NULL GROUP BY n.id"
    ).fetchall()
    per_district: dict[str, list[tuple[str, str, int]]] = {}
    for district, hood_id, hood, wards in rows:
        per_district.setdefault(district, []).append((hood_id, hood, wards))
    district = max(sorted(per_district), key=lambda d: sum(w for *_x, w in per_district[d]))
    hoods = sorted(per_district[district], key=lambda h: (-h[2], h[1]))
    target_id, target, have = hoods[0]
    donors = hoods[1:] + [h for d in sorted(per_district) if d != district for h in per_district[d]]
    for keep in (1, 0):  # first leave every donor a ward, then take what is still needed
        for donor_id, _name, _wards in donors:
            spare = db.execute(
                "SELECT id FROM wards WHERE neighbourhood_id = ? AND deleted_at IS NULL "
                "ORDER BY name",
                (donor_id,),
            ).fetchall()[keep:]
            for (ward_id,) in spare[: max(0, TARGET_WARDS - have)]:
                moved = (target_id, ward_id)
                db.execute("UPDATE wards SET neighbourhood_id = ? WHERE id = ?", moved)
                have += 1
    assert have == TARGET_WARDS, f"only {have} wards for {target}"
    return target, district


def _busiest_ward(folder: Path, hood: str) -> str:
    """The ward (outside the ten-ward neighbourhood) with the most live priorities."""
    db = raw_connection(folder / "pcso-desk.sqlite")
    try:
        row = db.execute(
            "SELECT w.name, count(p.id) AS n FROM wards w "
            "JOIN neighbourhoods h ON h.id = w.neighbourhood_id "
            "LEFT JOIN priorities p ON p.neighbourhood_id = w.neighbourhood_id "
            " AND p.deleted_at IS NULL AND p.status IN ('open', 'in_progress') "
            " AND (p.ward_id IS NULL OR p.ward_id = w.id) "
            "WHERE w.deleted_at IS NULL AND h.name != ? GROUP BY w.id ORDER BY n DESC, w.name "
            "LIMIT 1",
            (hood,),
        ).fetchone()
    finally:
        db.close()
    return str(row[0])


# -- pages -------------------------------------------------------------------------------


def count_pages(pdf: bytes) -> int:
    """Pages of a PDF: pypdf when installed, else its /Type /Page objects."""
    try:
        from io import BytesIO

        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page\b", pdf))
    return len(PdfReader(BytesIO(pdf)).pages)


def _pages_in_zips(paths: list[Path]) -> int:
    pages = 0
    for path in paths:
        with zipfile.ZipFile(path) as z:
            pages += sum(count_pages(z.read(n)) for n in z.namelist() if n.endswith(".pdf"))
    return pages


def bare_pages(target: Path, pages: int) -> None:
    """The reference: a bare canvas writes `pages` pages of a title and 40 lines of text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target), pagesize=A4)
    height = A4[1]
    for page in range(pages):
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(50, height - 60, f"Monthly update, page {page + 1}")
        canvas.setFont("Helvetica", 10)
        for line in range(LINES_PER_PAGE):
            canvas.drawString(50, height - 90 - line * 17, f"{line + 1:02d} {LINE}")
        canvas.showPage()
    canvas.save()


def _bare_seconds(bench: Bench, folder: Path, pages: int) -> Any:
    return bench.times(lambda: bare_pages(folder / "bare.pdf", pages))


# -- W6 ----------------------------------------------------------------------------------


def w6(bench: Bench) -> Result:
    from pcso_desk.reports.common import write_atomic
    from pcso_desk.services.documents import briefings

    folder, hood, _district = _documents_store(bench)
    ward = _busiest_ward(folder, hood)
    services = open_signed_in(folder)
    out = bench.work / "documents-out"
    out.mkdir(exist_ok=True)
    target = out / "briefing.pdf"
    try:

        def handout() -> None:  # what `pcso-desk briefing --ward NAME --out FILE` does
            area = briefings.find_area(services.ctx, "ward", ward)
            data = briefings.handout(services.ctx, area, DEMO_DAY)
            write_atomic(target, briefings.handout_pdf(data))

        timing = bench.times(handout)
    finally:
        services.ctx.store.close()
    pages = count_pages(target.read_bytes())
    bare = _bare_seconds(bench, out, pages)
    return slower_ratio(
        "W6",
        "street briefing handout (ward, PDF)",
        timing.median,
        bare.median,
        10,
        unit="s",
        reference_title=f"bare reportlab canvas, same pages, {LINES_PER_PAGE} lines a page",
        ward=ward,
        pages=pages,
        p95_s=round(timing.p95(), 4),
        runs_s=[round(t, 4) for t in timing.runs],
        bare_runs_s=[round(t, 4) for t in bare.runs],
    )


# -- W7 ----------------------------------------------------------------------------------


def _per_page(
    bench: Bench, work: Callable[[], list[Path]], folder: Path
) -> tuple[float, float, int, float]:
    """(seconds per page, reference seconds per page, pages, median seconds) of one job."""
    written: list[Path] = []

    def run() -> None:
        written[:] = work()

    timing = bench.times(run)
    pages = _pages_in_zips(written)
    bare = _bare_seconds(bench, folder, pages)
    return timing.median / pages, bare.median / pages, pages, timing.median


def w7(bench: Bench) -> Result:
    from pcso_desk.services.documents import packs

    folder, hood, district = _documents_store(bench)
    services = open_signed_in(folder)
    out = bench.work / "documents-out"
    batch = out / "district"
    batch.mkdir(parents=True, exist_ok=True)
    ctx = services.ctx
    try:
        target = out / "pack.zip"
        pack = _per_page(
            bench,
            lambda: [packs.build_pack(ctx, "neighbourhood", hood, MONTH, target, internal=False)],
            out,
        )
        whole = _per_page(
            bench, lambda: packs.build_district(ctx, district, MONTH, batch, internal=False), batch
        )
    finally:
        ctx.store.close()
    packs_in_batch = len(list(batch.glob("*.zip")))
    worse, which = max(
        (pack, "single pack"), (whole, "district batch"), key=lambda p: p[0][0] / p[0][1]
    )
    return slower_ratio(
        "W7",
        f"monthly pack, ten wards, and district batch (worse: {which}), per page",
        worse[0],
        worse[1],
        8,
        unit="s/page",
        reference_title=f"bare reportlab canvas, {LINES_PER_PAGE} lines a page",
        neighbourhood=hood,
        district=district,
        month=MONTH,
        pack_pages=pack[2],
        pack_s=round(pack[3], 4),
        pack_pages_per_s=round(1 / pack[0], 1),
        pack_times_bare=round(pack[0] / pack[1], 1),
        batch_packs=packs_in_batch,
        batch_pages=whole[2],
        batch_s=round(whole[3], 4),
        batch_pages_per_s=round(1 / whole[0], 1),
        batch_times_bare=round(whole[0] / whole[1], 1),
        bare_pages_per_s=round(1 / statistics.mean((pack[1], whole[1])), 1),
    )


WORKLOADS = [("W6", w6), ("W7", w7)]
