"""An organisation's letterhead: its own administrators (a non-profit's coordinators) upload a
logo and choose a house font; the logo is checked as attachments are, by its content."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from agreements.letterhead import LOGO_MAX_BYTES, font_class, logo_kind, sniff_logo
from agreements.models import Party
from tests.factories import make_member, make_world

pytestmark = pytest.mark.django_db

CONFLICT = "Någon annan har sparat under tiden"


def image(kind="PNG", size=(120, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 80, 160)).save(buffer, kind)
    return buffer.getvalue()


def upload(data, name="logo.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def post(client, party, **data):
    data.setdefault("version", Party.objects.get(pk=party.pk).version)
    data.setdefault("document_font", "")
    return client.post(reverse("agreements:party_letterhead", args=[party.pk]), data)


def test_sniffing_takes_png_and_jpeg_only_by_their_content():
    assert sniff_logo(image("PNG")) == "png"
    assert sniff_logo(image("JPEG")) == "jpeg"
    assert sniff_logo(image("GIF")) is None
    assert sniff_logo(b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>') is None
    assert sniff_logo(b"%PDF-1.7") is None


def test_a_file_that_only_starts_like_an_image_is_refused():
    whole = image("PNG")
    assert logo_kind(whole) == "png"
    assert logo_kind(whole[:40]) is None  # magic bytes, then nothing
    assert logo_kind(b"\x89PNG\r\n\x1a\n" + b"<html>" * 10) is None
    assert logo_kind(image("PNG", size=(5000, 10))) is None  # larger than any printed logo


def test_font_class_names_only_the_offered_fonts():
    assert font_class("liberation-serif") == "font-liberation-serif"
    assert font_class("") == ""
    assert font_class('x" onload="') == ""


def test_the_coordinator_of_a_non_profit_uploads_its_logo_and_font(client, world):
    party = world.b
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("agreements:party_letterhead", args=[party.pk]))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    response = post(
        client, party, logo=upload(image(), "../../evil.html"), document_font="dejavu-serif"
    )

    assert response.status_code == 302, response.content.decode()
    party.refresh_from_db()
    assert party.document_font == "dejavu-serif"
    assert party.logo.name.startswith(f"logos/{party.pk}/") and party.logo.name.endswith(".png")
    assert "evil" not in party.logo.name
    assert party.logo.read() == image()
    detail = client.get(reverse("agreements:party", args=[party.pk])).content.decode()
    assert reverse("agreements:party_letterhead", args=[party.pk]) in detail


@pytest.mark.parametrize(
    "data, name",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"%PDF-1.7\n" + b"0" * 100, "logo.png"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "logo.png"),
        (image("GIF"), "logo.gif"),
    ],
)
def test_anything_but_a_png_or_jpeg_image_is_refused(client, world, data, name):
    client.force_login(world.users["coordinator"])
    response = post(client, world.b, logo=upload(data, name))
    assert response.status_code == 400
    assert "PNG- eller JPEG-bild" in response.content.decode()
    assert not Party.objects.get(pk=world.b.pk).logo


def test_a_logo_larger_than_the_limit_is_refused(client, world):
    client.force_login(world.users["coordinator"])
    data = image() + b"\0" * LOGO_MAX_BYTES
    response = post(client, world.b, logo=upload(data))
    assert response.status_code == 400 and "för stor" in response.content.decode()
    assert not Party.objects.get(pk=world.b.pk).logo


def test_a_replaced_or_removed_logo_file_is_deleted(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world.b, logo=upload(image()))
    first = Party.objects.get(pk=world.b.pk).logo
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world.b, logo=upload(image("JPEG"), "logo.jpg"))
    second = Party.objects.get(pk=world.b.pk).logo
    assert second.name.endswith(".jpeg")
    assert not first.storage.exists(first.name) and second.storage.exists(second.name)

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, world.b, remove_logo="on").status_code == 302
    assert not Party.objects.get(pk=world.b.pk).logo
    assert not second.storage.exists(second.name)


def test_only_the_organisations_own_administrators_set_it(client, world):
    url_b = reverse("agreements:party_letterhead", args=[world.b.pk])
    # A partner's administrator sees B but may not change its letterhead; an outsider does
    # not see B at all.
    client.force_login(world.users["admin"])
    assert post(client, world.b, logo=upload(image())).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(url_b).status_code == 404
    # A's secretary may not; A's administrator may.
    client.force_login(world.users["secretary"])
    assert post(client, world.a).status_code == 403
    client.force_login(world.users["admin"])
    assert post(client, world.a, document_font="liberation-sans").status_code == 302
    assert Party.objects.get(pk=world.a.pk).document_font == "liberation-sans"
    assert not Party.objects.get(pk=world.b.pk).logo


def test_a_coordinator_of_a_region_may_not_set_its_letterhead(client, world):
    coordinator = make_member("koord_a", world.a, "coordinator")
    client.force_login(coordinator)
    assert post(client, world.a).status_code == 403


def test_an_unknown_font_is_refused(client, world):
    client.force_login(world.users["coordinator"])
    response = post(client, world.b, document_font="../../etc/passwd")
    assert response.status_code == 400
    assert Party.objects.get(pk=world.b.pk).document_font == ""


def test_a_stale_page_is_refused_with_the_conflict_message(client, world):
    client.force_login(world.users["coordinator"])
    version = Party.objects.get(pk=world.b.pk).version
    assert post(client, world.b, document_font="dejavu-serif", version=version).status_code == 302
    response = post(client, world.b, document_font="liberation-serif", version=version)
    assert response.status_code == 400 and CONFLICT in response.content.decode()
    assert Party.objects.get(pk=world.b.pk).document_font == "dejavu-serif"
