"""Alert types, the kind of subject each describes, priorities, and the order hits are shown in.

The interchange names (`wanted_arrest`, `stolen_vehicle`...) are the values: they appear in
import files, the API and the sharing rules' data kinds (`alert.<type>`).
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.handling import N_


class AlertType(StrEnum):
    WANTED_ARREST = "wanted_arrest"
    WANTED_LOCATE = "wanted_locate"
    MISSING_PERSON = "missing_person"
    DISCREET_CHECK = "discreet_check"
    STOLEN_VEHICLE = "stolen_vehicle"
    STOLEN_DOCUMENT = "stolen_document"
    DRONE = "drone"

    @property
    def data_kind(self) -> str:
        """The sharing rules' name for this kind of alert."""
        return f"alert.{self.value}"


class SubjectKind(StrEnum):
    PERSON = "person"
    VEHICLE = "vehicle"
    DOCUMENT = "document"
    DRONE = "drone"


SUBJECT_OF: dict[AlertType, SubjectKind] = {
    AlertType.WANTED_ARREST: SubjectKind.PERSON,
    AlertType.WANTED_LOCATE: SubjectKind.PERSON,
    AlertType.MISSING_PERSON: SubjectKind.PERSON,
    AlertType.DISCREET_CHECK: SubjectKind.PERSON,
    AlertType.STOLEN_VEHICLE: SubjectKind.VEHICLE,
    AlertType.STOLEN_DOCUMENT: SubjectKind.DOCUMENT,
    AlertType.DRONE: SubjectKind.DRONE,
}


class Priority(StrEnum):
    """Urgent alerts get the short hit-confirmation deadline (10 minutes by default)."""

    URGENT = "urgent"
    ROUTINE = "routine"


# Several alerts on one subject are shown most pressing first (SIRENE ranks compatible alerts):
# priority, then this order of types.
TYPE_RANK: dict[AlertType, int] = {
    AlertType.WANTED_ARREST: 0,
    AlertType.MISSING_PERSON: 1,
    AlertType.WANTED_LOCATE: 2,
    AlertType.STOLEN_VEHICLE: 3,
    AlertType.STOLEN_DOCUMENT: 4,
    AlertType.DRONE: 5,
    AlertType.DISCREET_CHECK: 6,
}

TYPE_LABELS: dict[AlertType, str] = {
    AlertType.WANTED_ARREST: N_("Wanted for arrest"),
    AlertType.WANTED_LOCATE: N_("Wanted to locate"),
    AlertType.MISSING_PERSON: N_("Missing person"),
    AlertType.DISCREET_CHECK: N_("Discreet check"),
    AlertType.STOLEN_VEHICLE: N_("Stolen vehicle"),
    AlertType.STOLEN_DOCUMENT: N_("Stolen or lost document"),
    AlertType.DRONE: N_("Drone of interest"),
}

PRIORITY_LABELS: dict[Priority, str] = {
    Priority.URGENT: N_("Urgent"),
    Priority.ROUTINE: N_("Routine"),
}

# How the subject's interchange fields are named on pages.
FIELD_LABELS: dict[str, str] = {
    "name": N_("Full name"),
    "aliases": N_("Aliases"),
    "birth_date": N_("Birth date"),
    "gender": N_("Gender"),
    "nationality": N_("Nationality"),
    "id_number": N_("Resident ID number"),
    "passport_number": N_("Passport number"),
    "plate": N_("Plate"),
    "vin": N_("VIN"),
    "make": N_("Make"),
    "colour": N_("Colour"),
    "document_type": N_("Document type"),
    "document_number": N_("Document number"),
    "issuing_country": N_("Issuing country"),
    "drone_serial": N_("Drone serial"),
    "registration_number": N_("Registration number"),
    "model": N_("Model"),
}
