"""The follow-up an administrator enters on the obligations page is printed in the agreement."""

import pytest
from django.urls import reverse

from agreements.models import Obligation, ObligationKind
from tests.factories import make_world

from .helpers import in_order, pdf_text

pytestmark = pytest.mark.django_db


def formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{name}": value for name, value in row.items()}
    return data


def every_kind(region, partner):
    return [
        {
            "kind": "meetings",
            "responsible": partner.pk,
            "min_per_year": 4,
            "description": "Mötena tar upp verksamhetens planering.",
        },
        {"kind": "tertial_report", "responsible": partner.pk, "days_after_period": 30},
        {
            "kind": "annual_report",
            "responsible": partner.pk,
            "recipient": region.pk,
            "parts": "verksamhetsberättelse\nekonomisk redovisning",
            "due_before_month": 4,
            "due_before_day": 15,
        },
        {
            "kind": "one_off_report",
            "responsible": partner.pk,
            "recipient": region.pk,
            "due_date": "2027-06-30",
            "description": "Rapporten beskriver läxhjälpens första halvår.",
        },
        {
            "kind": "evaluation",
            "responsible": region.pk,
            "recipient_description": "nämndens kansli",
            "due_date": "2028-09-30",
            "description": "Utvärderingen gäller partnerskapets nytta för målgruppen.",
        },
        {
            "kind": "other",
            "responsible": partner.pk,
            "due_date": "2027-03-01",
            "description": "Parterna gör ett gemensamt studiebesök.",
        },
    ]


def test_every_kind_of_follow_up_entered_in_the_app_is_printed(client):
    world = make_world()
    agreement = world.own["agreement"]
    Obligation.objects.filter(agreement=agreement).delete()  # the world's own, unprinted here
    client.force_login(world.users["admin"])
    data = formset("ataganden", every_kind(world.a, world.b)) | formset(
        "mal",
        [
            {"description": "barn", "quantity": 70, "approximate": "on"},
            {"description": "föräldrar", "quantity": 40},
        ],
    )
    data |= formset(
        "undantag",
        [{"description": "Myndighetsutövning."}, {"description": "hälso- och sjukvård"}],
    )
    data["version"] = agreement.obligations_version
    response = client.post(reverse("agreements:obligations", args=[agreement.pk]), data)
    assert response.status_code == 302
    assert Obligation.objects.filter(agreement=agreement).count() == 6

    pdf = client.get(reverse("documents:agreement_pdf", args=[agreement.pk]))
    text = pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)

    assert in_order(
        text,
        [
            "Samverkan och uppföljning",
            "Mötena tar upp verksamhetens planering. Förening B kallar till samverkansmötena, "
            "som hålls minst fyra gånger per år.",
            "Förening B lämnar skriftliga uppföljningar varje tertial, senast 30 dagar efter "
            "tertialets slut.",
            "Förening B ska årligen, före den 15 april, lämna in verksamhetsberättelse och "
            "ekonomisk redovisning till Region A.",
            "Förening B lämnar en rapport till Region A senast 2027-06-30. Rapporten beskriver "
            "läxhjälpens första halvår.",
            "Region A lämnar en utvärdering till nämndens kansli senast 2028-09-30. "
            "Utvärderingen gäller partnerskapets nytta för målgruppen.",
            "Parterna gör ett gemensamt studiebesök. Förening B ansvarar för det, senast "
            "2027-03-01.",
            "Verksamhetens mål per år är ca 70 barn och 40 föräldrar.",
            "Överenskommelsen omfattar inte Myndighetsutövning och hälso- och sjukvård.",
            "Parternas resursbidrag",
        ],
    ), text


@pytest.mark.parametrize(
    ("kind", "missing", "error"),
    [
        (ObligationKind.EVALUATION, "due_date", "Ange förfallodag för rapporten."),
        (ObligationKind.EVALUATION, "description", "Beskriv vad som ska göras."),
        (ObligationKind.EVALUATION, "responsible", "Ange vilken part som ansvarar."),
        (ObligationKind.OTHER, "description", "Beskriv vad som ska göras."),
    ],
)
def test_an_evaluation_or_other_duty_needs_who_when_and_what(client, kind, missing, error):
    world = make_world()
    agreement = world.own["agreement"]
    client.force_login(world.users["admin"])
    row = {
        "kind": kind,
        "responsible": world.b.pk,
        "due_date": "2028-09-30",
        "description": "Något att göra.",
    }
    del row[missing]
    data = formset("ataganden", [row]) | formset("mal", []) | formset("undantag", [])
    response = client.post(reverse("agreements:obligations", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Obligation.objects.filter(agreement=agreement, kind=kind).exists()
