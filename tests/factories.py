"""Small synthetic worlds for tests, built through the services as a user would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pcso_desk.services.api import Services


@dataclass
class World:
    district: str
    neighbourhood: str
    ward: str
    other_ward: str
    officer: str


def make_world(services: Services) -> World:
    """One district, one neighbourhood with two wards, one PCSO."""
    district = services["districts"].create({"name": "Testshire North", "code": "TSN"}).created[0]
    hood = (
        services["neighbourhoods"]
        .create({"name": "Riverside SNT", "code": "RIV", "district_id": district})
        .created[0]
    )
    ward = (
        services["wards"]
        .create(
            {
                "name": "Riverside Central",
                "code": "RIV-C",
                "neighbourhood_id": hood,
                "areas": ["High Street", "Mill Lane", "Station Road", "Canal Close"],
            }
        )
        .created[0]
    )
    other = (
        services["wards"]
        .create({"name": "Riverside East", "code": "RIV-E", "neighbourhood_id": hood})
        .created[0]
    )
    officer = (
        services["officers"]
        .create(
            {
                "name": "PCSO Alex Example",
                "collar_number": "PCSO 9001",
                "role": "pcso",
                "neighbourhood_id": hood,
            }
        )
        .created[0]
    )
    return World(district, hood, ward, other, officer)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def d(text: str) -> date:
    return date.fromisoformat(text)
