"""Demo alerts across the demo zones: wanted, missing, discreet checks, stolen vehicles and
documents, a drone, in every script the checks must handle (simplified and traditional
characters, a foreign name joined with a middle dot, Vietnamese, Korean and Japanese names).

Loaded by `accord demo load` after the zones; idempotent (an alert already on file is kept).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.alerts import service
from accord.alerts.models import Alert
from accord.alerts.schemas import AlertRecord
from accord.core import clock
from accord.security.actor import Actor

DEMO_ALERTS: tuple[dict[str, Any], ...] = (
    # Jiangsu: a fugitive in a telecom-fraud case, wanted for arrest across the YRD.
    {
        "ref": "JS-A-2026-0001", "type": "wanted_arrest", "issuing_agency": "320000",
        "name": "欧阳振华", "aliases": ["欧阳华"], "birth_date": "1979-06-15", "gender": "male",
        "nationality": "CN", "id_number": "320102197906154511", "priority": "urgent",
        "legal_basis": "刑事诉讼法第八十条；苏公刑拘字〔2026〕0153号",
        "action_on_hit": "Arrest and hold; call the Jiangsu duty desk at once.",
    },
    {
        "ref": "SH-A-2026-0001", "type": "wanted_arrest", "issuing_agency": "310000",
        "name": "张伟", "birth_date": "1985-03-07", "gender": "male", "nationality": "CN",
        "id_number": "310104198503072410", "legal_basis": "沪公刑拘字〔2026〕0088号",
    },
    {
        "ref": "ZJ-A-2026-0001", "type": "wanted_locate", "issuing_agency": "330000",
        "name": "陳志明", "birth_date": "1990-11-02", "gender": "male", "nationality": "HK",
        "passport_number": "K12345678", "legal_basis": "Witness in a cross-border fraud case",
    },
    {
        "ref": "AH-A-2026-0001", "type": "missing_person", "issuing_agency": "340000",
        "name": "李小雨", "birth_date": "2015-04-21", "gender": "female", "nationality": "CN",
        "id_number": "340104201504210029", "priority": "urgent",
        "action_on_hit": "A child at risk: keep her safe and call the Anhui duty desk.",
    },
    {
        "ref": "JS-A-2026-0002", "type": "discreet_check", "issuing_agency": "320000",
        "name": "王建国", "birth_date": "1972-01-30", "gender": "male", "nationality": "CN",
        "id_number": "320106197201301230", "handling_code": "H2",
        "legal_basis": "Suspected organiser of a smuggling network",
    },
    {
        "ref": "SH-A-2026-0002", "type": "wanted_arrest", "issuing_agency": "310000",
        "name": "约翰·史密斯", "aliases": ["John Smith"], "birth_date": "1980-09-12",
        "gender": "male", "nationality": "GB", "passport_number": "533380006",
    },
    {
        "ref": "ZJ-A-2026-0002", "type": "wanted_arrest", "issuing_agency": "330000",
        "name": "Nguyễn Văn Đức", "birth_date": "1988-02-14", "gender": "male",
        "nationality": "VN", "passport_number": "C1234567",
        "misused_identity": True,
        "distinguishing_facts": "The real holder is 1.65 m, has no tattoos; the wanted man is "
        "1.80 m with a dragon tattoo on the left forearm.",
    },
    {
        "ref": "SH-A-2026-0003", "type": "wanted_locate", "issuing_agency": "310000",
        "name": "김민준", "birth_date": "1992-07-08", "gender": "male", "nationality": "KR",
        "passport_number": "M12345678",
    },
    {
        "ref": "JS-A-2026-0003", "type": "wanted_arrest", "issuing_agency": "320000",
        "name": "田中太郎", "birth_date": "1983-05-05", "gender": "male", "nationality": "JP",
        "passport_number": "TK1234567",
    },
    {
        "ref": "BJ-A-2026-0001", "type": "wanted_arrest", "issuing_agency": "110000",
        "name": "赵磊", "birth_date": "1991-12-01", "gender": "male", "nationality": "CN",
        "id_number": "110105199112011234",  # check digit wrong as entered: stored, flagged
    },
    {
        "ref": "SN-A-2026-0001", "type": "missing_person", "issuing_agency": "610000",
        "name": "马秀英", "birth_date": "1948", "gender": "female", "nationality": "CN",
        "action_on_hit": "An elderly woman with dementia: take her to safety.",
    },
    # objects
    {
        "ref": "SH-V-2026-0001", "type": "stolen_vehicle", "issuing_agency": "310000",
        "plate": "沪AD12345", "vin": "LSVAU2180N2183294", "make": "Tesla Model 3",
        "colour": "white",
    },
    {
        "ref": "JS-V-2026-0001", "type": "stolen_vehicle", "issuing_agency": "320000",
        "plate": "苏E·7K3M9", "make": "Volkswagen Passat", "colour": "black",
    },
    {
        "ref": "ZJ-D-2026-0001", "type": "stolen_document", "issuing_agency": "330000",
        "document_type": "passport", "document_number": "EA1234567", "issuing_country": "CN",
    },
    {
        "ref": "AH-R-2026-0001", "type": "drone", "issuing_agency": "340000",
        "drone_serial": "1581F4XFC23A0012", "registration_number": "UAS-340104-00731",
        "model": "DJI Mavic 3",
    },
)  # fmt: skip


def load_demo_alerts(session: Session) -> int:
    """Issue the demo alerts that are not on file yet; returns how many were added."""
    actor = Actor.system("demo")
    added = 0
    review = (clock.now() + timedelta(days=180)).date()
    for data in DEMO_ALERTS:
        if session.scalar(select(Alert.id).where(Alert.ref == data["ref"])) is not None:
            continue
        record = AlertRecord.model_validate({"review_on": review.isoformat(), **data})
        service.create_alert(session, actor, record)
        added += 1
    session.flush()
    return added
