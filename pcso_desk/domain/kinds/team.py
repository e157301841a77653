"""The kinds that describe the team and its area: districts to wards, officers, figures."""

from __future__ import annotations

from pcso_desk.domain import enums as e
from pcso_desk.domain import validation as v
from pcso_desk.domain.kinds.base import CODE, NAME, Field, Kind, choice, ref

DISTRICTS = Kind("districts", "district", (NAME, CODE), search=("name", "code"))
COUNCILS = Kind(
    "councils",
    "council",
    (
        NAME,
        Field(
            "kind",
            "Kind",
            "choice",
            [("parish", "Parish"), ("town", "Town"), ("district", "District")],
            required=True,
            default="parish",
        ),
        ref("district_id", "District", "districts"),
    ),
    search=("name",),
)
POLICE_STATIONS = Kind(
    "police_stations",
    "police station",
    (
        Field("name", "Name", required=True),
        Field("address", "Address", "multiline"),
        Field("postcode", "Postcode", normalise=v.normalise_postcode),
        Field("phone", "Phone", normalise=v.normalise_phone),
        Field("opening_hours", "Front counter hours"),
    ),
    search=("name", "address", "postcode"),
)
NEIGHBOURHOODS = Kind(
    "neighbourhoods",
    "neighbourhood",
    (
        NAME,
        CODE,
        ref("district_id", "District", "districts", required=True),
        ref("base_station_id", "Base station", "police_stations"),
        Field("phone", "Phone", normalise=v.normalise_phone),
        Field("email", "Email", normalise=v.normalise_email),
        Field("description", "About the team", "multiline"),
    ),
    search=("name", "code"),
    elsewhere=("photo_path", "photo"),  # the photo is set by its own step (Admin)
)
WARDS = Kind(
    "wards",
    "ward",
    (
        NAME,
        CODE,
        ref("neighbourhood_id", "Neighbourhood", "neighbourhoods", required=True),
        ref("council_id", "Parish/town council", "councils"),
        Field(
            "areas",
            "Streets and communities",
            "multiline",
            help="One per line or comma separated",
        ),
    ),
    search=("name", "code"),
)
OFFICERS = Kind(
    "officers",
    "officer",
    (
        NAME,
        Field("collar_number", "Collar number", required=True),
        choice("role", "Role", e.Role, "pcso"),
        ref("neighbourhood_id", "Neighbourhood", "neighbourhoods"),
        Field("work_phone", "Work phone", normalise=v.normalise_phone),
        Field("work_email", "Work email", normalise=v.normalise_email),
        Field("active", "Active", "bool", default=True),
    ),
    search=("name", "collar_number"),
)
OFFICER_WARDS = Kind(
    "officer_wards",
    "ward attachment",
    (
        ref("officer_id", "Officer", "officers", required=True),
        ref("ward_id", "Designated ward", "wards", required=True),
    ),
)
LSOA_WARDS = Kind(
    "lsoa_wards",
    "LSOA mapping",
    (
        Field("lsoa_code", "LSOA code", required=True),
        Field("lsoa_name", "LSOA name"),
        ref("ward_id", "Ward", "wards", required=True),
    ),
    search=("lsoa_code", "lsoa_name"),
)
CRIME_COUNTS = Kind(
    "crime_counts",
    "crime count",
    (
        ref("ward_id", "Ward", "wards", required=True),
        Field("month", "Month", placeholder="YYYY-MM", required=True),
        Field("crime_type", "Crime type", required=True),
        Field("count", "Count", required=True),
    ),
    search=("crime_type",),
)
