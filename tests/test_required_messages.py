"""An empty required field says what to do in words that read (glossary: "Ange …"/"Välj …").

iop.forms makes "Ange <label>" of most fields; where the label is a question or no noun
("Gäller från", "Avser år", "Vad vill du göra?") the form says it in its own words."""

import pytest
from django.utils import translation

from agreements.forms import (
    AgreementForm,
    AttachmentForm,
    CapacityTargetForm,
    DueItemChangeForm,
    PartyForm,
    ReviewForm,
    SuccessorForm,
)
from funding.forms import IndexValueForm, IndexWithdrawalForm, PaymentPlanForm
from tests.factories import make_party

pytestmark = pytest.mark.django_db


def required(form_class, field):
    form = form_class(data={}, files={})
    assert not form.is_valid()
    return form.errors[field]


@pytest.mark.parametrize(
    ("form_class", "field", "message"),
    [
        (AgreementForm, "period_start", "Ange första dagen överenskommelsen gäller"),
        (AgreementForm, "period_end", "Ange sista dagen överenskommelsen gäller"),
        (AgreementForm, "title", "Ange titel"),
        (CapacityTargetForm, "description", "Ange vad målet gäller"),
        (IndexValueForm, "percent", "Ange förändringen i procent"),
        (IndexValueForm, "published_on", "Ange när värdet publicerades"),
        (IndexWithdrawalForm, "reason", "Ange varför värdet dras tillbaka"),
        (PaymentPlanForm, "due_day", "Ange senaste dag i månaden för betalningen"),
        (AttachmentForm, "file", "Välj en fil att bifoga"),
        (SuccessorForm, "relation", "Välj hur den nya hänger ihop med den här"),
        (ReviewForm, "outcome", "Välj om rapporten godkänns eller returneras"),
        (DueItemChangeForm, "action", "Välj om uppgiften ska stängas eller flyttas"),
    ],
)
def test_an_empty_required_field_says_what_to_do(form_class, field, message):
    assert required(form_class, field) == [message]


def test_the_messages_are_english_for_an_english_reader():
    with translation.override("en"):
        assert required(AgreementForm, "period_start") == [
            "Enter the first day the agreement applies"
        ]
        assert required(SuccessorForm, "relation") == [
            "Select how the new agreement relates to this one"
        ]


def test_a_field_added_for_the_user_says_what_to_do_too():
    """Registering an organisation for one of several of the user's own asks which."""
    registrars = [make_party("Region R", kind="region"), make_party("Kommun K")]
    form = PartyForm(data={}, registrars=registrars)
    assert not form.is_valid()
    assert form.errors["registered_by"] == ["Välj vilken organisation som registrerar den"]
