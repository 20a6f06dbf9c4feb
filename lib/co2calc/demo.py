"""Demo data for ``make run`` and the tests: an org tree and people with roles.

The tree (52 units): one institution, 5 faculties, 2 institutes per faculty
and 3–4 labs per institute. Demo people cover every role; they sign in through
the local OIDC test issuer with the same ``person_id`` claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from co2calc.directory.model import DirectoryPerson, DirectoryRole, DirectorySnapshot, DirectoryUnit

__all__ = ["DEMO_USERS", "DemoUser", "demo_directory"]

_FACULTIES = [
    (
        "ENAC",
        "Architecture, Civil and Environmental Engineering",
        "Architecture, génie civil et environnemental",
        "Architektur, Bau- und Umweltingenieurwesen",
    ),
    ("SB", "Basic Sciences", "Sciences de base", "Grundlagenwissenschaften"),
    ("STI", "Engineering", "Sciences et techniques de l'ingénieur", "Ingenieurwissenschaften"),
    (
        "IC",
        "Computer and Communication Sciences",
        "Informatique et communications",
        "Informatik und Kommunikation",
    ),
    ("SV", "Life Sciences", "Sciences de la vie", "Biowissenschaften"),
]
_TOPICS = [
    "Climate",
    "Materials",
    "Energy",
    "Water",
    "Robotics",
    "Data",
    "Neuro",
    "Imaging",
    "Photonics",
    "Catalysis",
    "Soil",
    "Networks",
    "Genomics",
    "Fluids",
    "Structures",
]


@dataclass(frozen=True)
class DemoUser:
    login: str  # the e-mail used on the test issuer's sign-in form
    person_id: str
    display_name: str
    role: str
    unit: str | None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@demo.co2calc.org", "100001", "Ada Admin", "admin", None),
    DemoUser(
        "principal@demo.co2calc.org", "100002", "Paul Principal", "principal", "ENAC-CLIM-LAB1"
    ),
    DemoUser("member@demo.co2calc.org", "100003", "Mia Member", "standard", "ENAC-CLIM-LAB1"),
    DemoUser(
        "colleague@demo.co2calc.org", "100004", "Colin Colleague", "standard", "ENAC-CLIM-LAB1"
    ),
    DemoUser("officer@demo.co2calc.org", "100005", "Olga Officer", "affiliation", "ENAC"),
    DemoUser("other@demo.co2calc.org", "100006", "Otto Other", "principal", "SB-ENER-LAB1"),
)


def demo_units() -> list[DirectoryUnit]:
    units = [
        DirectoryUnit(
            code="DIT",
            kind="institution",
            names={
                "en": "Demo Institute of Technology",
                "fr": "Institut de technologie de démonstration",
                "de": "Demo Technische Hochschule",
            },
        )
    ]
    topic = iter(_TOPICS)
    for f_index, (code, en, fr, de) in enumerate(_FACULTIES):
        units.append(
            DirectoryUnit(
                code=code, kind="faculty", parent="DIT", names={"en": en, "fr": fr, "de": de}
            )
        )
        for i in range(2):
            t = next(topic)
            icode = f"{code}-{t[:4].upper()}"
            units.append(
                DirectoryUnit(
                    code=icode,
                    kind="institute",
                    parent=code,
                    names={
                        "en": f"Institute of {t}",
                        "fr": f"Institut {t}",
                        "de": f"Institut für {t}",
                    },
                )
            )
            for lab in range(1, 4 + (f_index + i) % 2 + (1 if code == "ENAC" and i == 0 else 0)):
                units.append(
                    DirectoryUnit(
                        code=f"{icode}-LAB{lab}",
                        kind="unit",
                        parent=icode,
                        names={
                            "en": f"{t} Laboratory {lab}",
                            "fr": f"Laboratoire {t} {lab}",
                            "de": f"Labor {t} {lab}",
                        },
                    )
                )
    return units


def demo_directory() -> DirectorySnapshot:
    people = [
        DirectoryPerson(
            person_id=u.person_id,
            display_name=u.display_name,
            email=u.login,
            roles=[DirectoryRole(role=u.role, unit=u.unit)],
        )
        for u in DEMO_USERS
    ]
    return DirectorySnapshot(units=demo_units(), people=people)
