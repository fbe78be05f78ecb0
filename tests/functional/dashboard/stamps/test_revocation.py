"""Officers revoke one stamp, a range of serials or a whole batch from the batch's page."""

import pytest
from django.urls import reverse

from shop.stamps.models import RevocationReason, StampBatch
from shop.stamps.revocation import revoke
from tests.factories import stamp_batch
from tests.functional.dashboard.stamps.helpers import vi
from tests.functional.storefront.helpers import visible_text

pytestmark = pytest.mark.django_db


def detail_url(batch):
    return reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch.pk})


def revoked_numbers(batch):
    return sorted(batch.stamps.filter(revocation__isnull=False).values_list("number", flat=True))


def revoke_one(serial, reason="lost", note=""):
    return {"action": "revoke_stamp", "stamp-serial": serial, "stamp-reason": reason, "stamp-note": note}


def revoke_range(first, last, reason="misprinted", note=""):
    return {
        "action": "revoke_range",
        "range-first_serial": first,
        "range-last_serial": last,
        "range-reason": reason,
        "range-note": note,
    }


def revoke_all(reason="recalled", note="", confirm=True):
    data = {"action": "revoke_batch", "batch-reason": reason, "batch-note": note}
    if confirm:
        data["batch-confirm"] = "on"
    return data


def test_revoking_one_stamp(ha_tinh_client, ha_tinh_reviewer, batch_a):
    serial = batch_a.serial(batch_a.first_number + 3)
    response = ha_tinh_client.post(
        detail_url(batch_a), revoke_one(serial.lower(), note="Thùng hàng bị mất trên đường giao")
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(batch_a) + "#revocations"
    assert revoked_numbers(batch_a) == [batch_a.first_number + 3]
    revocation = batch_a.revocations.get()
    assert (revocation.reason, revocation.stamp_count, revocation.revoked_by) == (
        RevocationReason.LOST_OR_STOLEN,
        1,
        ha_tinh_reviewer,
    )
    assert revocation.note == "Thùng hàng bị mất trên đường giao"

    page = ha_tinh_client.get(response["Location"])
    text = visible_text(page)
    assert vi("Stamp %(serial)s was revoked.", serial=serial) in text
    history = page.content.decode().split('id="revocation_history"')[1]
    assert serial in history and "Thùng hàng bị mất trên đường giao" in history
    assert vi("Lost or stolen") in history and ha_tinh_reviewer.email in history


def test_revoking_a_range(ha_tinh_client, batch_a):
    first, last = batch_a.serial(batch_a.first_number + 2), batch_a.serial(batch_a.first_number + 6)
    response = ha_tinh_client.post(detail_url(batch_a), revoke_range(first, last))
    assert response.status_code == 302
    assert revoked_numbers(batch_a) == list(range(batch_a.first_number + 2, batch_a.first_number + 7))
    assert batch_a.revocations.get().stamp_count == 5
    page = ha_tinh_client.get(detail_url(batch_a))
    assert vi("%(count)s stamps from %(first)s to %(last)s were revoked.", count=5, first=first, last=last) in (
        visible_text(page)
    )
    assert page.context["revoked_count"] == 5


def test_a_range_over_stamps_revoked_before_counts_only_the_new_ones(ha_tinh_client, batch_a):
    revoke(batch_a, batch_a.first_number + 4, batch_a.first_number + 4, reason=RevocationReason.LOST_OR_STOLEN)
    first, last = batch_a.serial(batch_a.first_number), batch_a.serial(batch_a.first_number + 5)
    ha_tinh_client.post(detail_url(batch_a), revoke_range(first, last))
    newest = batch_a.revocations.first()
    assert newest.stamp_count == 5
    assert batch_a.stamps.get(number=batch_a.first_number + 4).revocation.reason == RevocationReason.LOST_OR_STOLEN
    messages = [str(message) for message in ha_tinh_client.get(detail_url(batch_a)).context["messages"]]
    assert any(
        vi("%(skipped)s of them had been revoked before and keep their first revocation.", skipped=1) in m
        for m in messages
    )


def test_revoking_the_whole_batch_needs_a_confirmation(ha_tinh_client, batch_a):
    response = ha_tinh_client.post(detail_url(batch_a), revoke_all(confirm=False, note="Thu hồi toàn bộ lô"))
    assert response.status_code == 200
    form = response.context["revocation_forms"]["revoke_batch"]
    assert form.errors["confirm"] == [vi("Tick the box to confirm that the whole batch is revoked.")]
    assert "Thu hồi toàn bộ lô" in response.content.decode()  # the note is kept
    assert revoked_numbers(batch_a) == []

    response = ha_tinh_client.post(detail_url(batch_a), revoke_all(note="Thu hồi toàn bộ lô"))
    assert response.status_code == 302
    assert revoked_numbers(batch_a) == list(range(batch_a.first_number, batch_a.last_number + 1))
    revocation = batch_a.revocations.get()
    assert (revocation.first_number, revocation.last_number, revocation.stamp_count) == (
        batch_a.first_number,
        batch_a.last_number,
        20,
    )
    assert revocation.reason == RevocationReason.PRODUCT_RECALLED


def test_a_range_already_revoked_is_refused_on_its_form(ha_tinh_client, batch_a):
    revoke(batch_a, batch_a.first_number, batch_a.first_number + 4, reason=RevocationReason.MISPRINTED)
    first, last = batch_a.serial(batch_a.first_number + 1), batch_a.serial(batch_a.first_number + 3)
    response = ha_tinh_client.post(detail_url(batch_a), revoke_range(first, last, note="Lần hai"))
    assert response.status_code == 200
    form = response.context["revocation_forms"]["revoke_range"]
    assert form.non_field_errors() == [vi("Every stamp in this range was already revoked.")]
    assert batch_a.revocations.count() == 1
    html = response.content.decode()
    assert f'value="{first}"' in html and f'value="{last}"' in html and "Lần hai" in html


def test_a_serial_of_another_batch_is_refused(ha_tinh_client, batch_a, oranges):
    other = stamp_batch(oranges, quantity=3)
    stranger = other.serial(other.first_number)
    response = ha_tinh_client.post(detail_url(batch_a), revoke_one(stranger))
    assert response.status_code == 200
    form = response.context["revocation_forms"]["revoke_stamp"]
    assert form.errors["serial"] == [
        vi(
            "%(serial)s is not in this batch (%(first)s to %(last)s).",
            serial=stranger,
            first=batch_a.first_serial,
            last=batch_a.last_serial,
        )
    ]
    assert revoked_numbers(batch_a) == [] and revoked_numbers(other) == []


@pytest.mark.parametrize("typed", ["HT-2026", "00000003", "XX-2026-00000003", "tem số 3"])
def test_a_malformed_serial_is_refused(ha_tinh_client, batch_a, typed):
    response = ha_tinh_client.post(detail_url(batch_a), revoke_one(typed))
    assert response.status_code == 200
    errors = response.context["revocation_forms"]["revoke_stamp"].errors["serial"]
    assert errors == [
        vi("“%(serial)s” is not a stamp serial such as %(example)s.", serial=typed, example=batch_a.first_serial)
    ]
    assert typed in response.content.decode()


def test_a_range_backwards_is_refused(ha_tinh_client, batch_a):
    first, last = batch_a.serial(batch_a.first_number + 5), batch_a.serial(batch_a.first_number + 2)
    response = ha_tinh_client.post(detail_url(batch_a), revoke_range(first, last))
    form = response.context["revocation_forms"]["revoke_range"]
    assert form.errors["last_serial"] == [vi("The first serial must not come after the last one.")]
    assert revoked_numbers(batch_a) == []


def test_a_reason_is_required_and_the_other_forms_stay_empty(ha_tinh_client, batch_a):
    serial = batch_a.serial(batch_a.first_number)
    response = ha_tinh_client.post(detail_url(batch_a), revoke_one(serial, reason=""))
    forms = response.context["revocation_forms"]
    assert "reason" in forms["revoke_stamp"].errors
    assert not forms["revoke_range"].is_bound and not forms["revoke_batch"].is_bound
    assert revoked_numbers(batch_a) == []


def test_a_batch_still_generating_cannot_be_revoked(ha_tinh_client, batch_a):
    StampBatch.objects.filter(pk=batch_a.pk).update(status=StampBatch.Status.GENERATING)
    response = ha_tinh_client.post(detail_url(batch_a), revoke_all())
    assert response.status_code == 200
    assert response.context["revocation_forms"]["revoke_batch"].non_field_errors() == [
        vi("The stamps of this batch are still being generated; revoke them once it is done.")
    ]
    assert not batch_a.revocations.exists()


def test_an_unknown_action_changes_nothing(ha_tinh_client, batch_a):
    response = ha_tinh_client.post(detail_url(batch_a), {"action": "delete"})
    assert response.status_code == 302
    assert not batch_a.revocations.exists()


def test_a_producer_cannot_revoke_their_own_stamps(client_a, batch_a):
    serial = batch_a.serial(batch_a.first_number)
    assert client_a.post(detail_url(batch_a), revoke_one(serial)).status_code == 403
    assert client_a.post(detail_url(batch_a), revoke_all()).status_code == 403
    assert not batch_a.revocations.exists()


def test_the_thanh_hoa_officer_cannot_revoke_ha_tinh_stamps(thanh_hoa_client, batch_a):
    assert thanh_hoa_client.post(detail_url(batch_a), revoke_all()).status_code == 404
    assert not batch_a.revocations.exists()
