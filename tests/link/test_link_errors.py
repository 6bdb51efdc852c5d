"""The kiosk's one error hierarchy for talking to the office (kiosk.link.errors)."""

from kiosk.link import client, errors, outbox


def test_client_and_outbox_share_one_set_of_errors():
    for name in ("OfficeError", "OfficeUnavailable"):
        assert getattr(client, name) is getattr(errors, name) is getattr(outbox, name)
    assert client.MissingIdempotencyKey is errors.MissingIdempotencyKey
    for cls in (errors.OfficeError, errors.OfficeUnavailable, errors.MissingIdempotencyKey):
        assert issubclass(cls, errors.LinkError)
    assert issubclass(errors.MissingIdempotencyKey, ValueError)  # a caller's mistake, not the office's


def test_an_office_refusal_is_a_rejection_of_the_entry_and_a_lost_office_is_not():
    refused = errors.OfficeError(422, "vui lòng chọn", "fields.signing_method", "invalid_form")
    assert (refused.status, refused.detail, refused.field, refused.code) == \
        (422, "vui lòng chọn", "fields.signing_method", "invalid_form")
    assert outbox.is_rejection(refused)
    assert not outbox.is_rejection(errors.OfficeError(401, "bad key"))
    assert not outbox.is_rejection(errors.OfficeUnavailable("timeout"))
