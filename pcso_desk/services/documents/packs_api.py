"""Monthly update packs and the crime figures behind them, as use cases for front ends
(`services.packs`).

Any officer may build a public pack (Action.PUBLIC_PACKS); an internal one, with exact counts
about people, needs a sergeant (Action.INTERNAL_PACKS, checked in packs.write_pack). A public
pack, or a district's batch, is written only after the disclosure auditor has passed every
public pack of the month that shares a count with it (documents/auditor.py).

A pack written is an export: its entry, with each zip's size and SHA-256, commits before the
zips take their names, so a killed build leaves audited packs or none. A district's packs are
one use case and one entry: cancelled or failed part way, none of them is kept. Importing a
street-level crimes file adds its rows and its entry in one transaction. The figures, PDF
and workbook libraries load when first used, not when the app starts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.domain.errors import NotFoundError
from pcso_desk.domain.permissions import Action
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, note, use_case

if TYPE_CHECKING:
    from pcso_desk.services.documents.boundaries import BoundaryImportReport
    from pcso_desk.services.documents.crimes import CrimeImportReport
    from pcso_desk.services.documents.lsoa_map import LsoaMapReport

Progress = Callable[[int, int, str], None]
PACK = "monthly_pack"


def _silent(_done: int, _total: int, _label: str) -> None:
    return None


def _version(internal: bool) -> str:
    return "internal" if internal else "public"


class Packs:
    """The areas packs are made for, the packs themselves, and the crime rows they count."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @use_case(Action.VIEW, effect=Effect.READ)
    def area_names(self, kind: str) -> list[str]:
        """Names of every neighbourhood, ward, council or district, for a picker."""
        from pcso_desk.services.documents import monthly

        return monthly.area_names(self.ctx, kind)

    @use_case(Action.VIEW, effect=Effect.READ)
    def check_area(self, kind: str, name: str) -> None:
        """Refuse an unknown area name in one sentence that offers the close ones."""
        from pcso_desk.services.documents import monthly
        from pcso_desk.services.records.names import no_such

        names = monthly.area_names(self.ctx, kind)
        if name.strip().lower() not in {n.lower() for n in names}:  # as monthly.find_area looks
            raise NotFoundError(no_such(f"{kind} called", name, names))

    @use_case(Action.PUBLIC_PACKS, "export", effect=Effect.FILE, kind=PACK, output="out")
    def build_pack(self, kind: str, name: str, month: str, out: Path, *, internal: bool) -> Path:
        """The pack for the neighbourhood, ward or council called `name`, as the zip `out`."""
        from pcso_desk.services.documents import monthly, packs

        area = monthly.find_area(self.ctx, kind, name)
        note(area.ward_ids, f"{area.name} {month} {_version(internal)}")
        return packs.write_pack(self.ctx, area, month, out, internal=internal)

    @use_case(Action.PUBLIC_PACKS, "export", effect=Effect.FOLDER, kind=PACK, output="folder")
    def build_into(self, kind: str, name: str, month: str, folder: Path, *, internal: bool) -> Path:
        """The pack for the named area, saved in `folder` under its own name."""
        from pcso_desk.services.documents import monthly, packs

        area = monthly.find_area(self.ctx, kind, name)
        note(area.ward_ids, f"{area.name} {month} {_version(internal)}")
        target = folder / f"{packs.pack_name(area, month, internal=internal)}.zip"
        return packs.write_pack(self.ctx, area, month, target, internal=internal)

    @use_case(Action.PUBLIC_PACKS, "export", effect=Effect.FOLDER, kind=PACK, output="folder")
    def build_district(
        self,
        district: str,
        month: str,
        folder: Path,
        *,
        internal: bool,
        progress: Progress = _silent,
    ) -> list[Path]:
        """A pack for every neighbourhood of `district` into `folder`, reporting progress."""
        from pcso_desk.services.documents import packs

        note((), f"{district} {month} {_version(internal)}")
        return packs.build_district(
            self.ctx, district, month, folder, internal=internal, progress=progress
        )

    @use_case(Action.VIEW, effect=Effect.READ)
    def left_out(self, kind: str, name: str, month: str) -> list[str]:
        """The priorities a public pack of the area leaves out for want of public wording
        (their internal titles, for the build summary: never printed on a pack); `kind`
        "district" for a district's batch."""
        from pcso_desk.services.documents import monthly

        if kind == "district":
            areas = monthly.district_neighbourhoods(self.ctx, name)
        else:
            areas = [monthly.find_area(self.ctx, kind, name)]
        found: dict[str, None] = {}
        for area in areas:
            found.update(dict.fromkeys(monthly.monthly_figures(self.ctx, area, month).left_out))
        return list(found)

    @use_case(Action.IMPORT, "import", kind="crime_records")
    def import_crimes(self, path: Path) -> CrimeImportReport:
        """A data.police.uk street-level file; its rows and its entry commit together."""
        from pcso_desk.services.documents import crimes

        report = crimes.import_crimes(self.ctx, path)
        updated = f", {report.updated} updated" if report.updated else ""
        note(
            (),
            f"street-level crimes file: {report.added} added{updated}, {report.rejected} rejected",
        )
        return report

    @use_case(Action.ORGANISATION, "import", kind="lsoa_wards")
    def import_lsoa_map(self, path: Path) -> LsoaMapReport:
        """The ONS LSOA-to-ward lookup: the team's LSOAs mapped, and the crime rows already
        held for them given their ward, in one unit of work with its entry."""
        from pcso_desk.services.documents import lsoa_map

        report = lsoa_map.import_lsoa_map(self.ctx, path)
        note(
            (),
            f"ONS LSOA lookup: {report.added} added, {report.changed} changed, "
            f"{counted(report.crimes_remapped, 'crime row')} re-mapped",
        )
        return report

    @use_case(Action.ORGANISATION, "import", kind="boundaries")
    def import_boundaries(self, path: Path) -> BoundaryImportReport:
        """ONS ward and LSOA boundaries (GeoJSON or shapefile) for the crime map."""
        from pcso_desk.services.documents import boundaries

        report = boundaries.import_boundaries(self.ctx, path)
        note((), f"boundaries: {report.wards} wards, {report.lsoas} LSOAs")
        return report
