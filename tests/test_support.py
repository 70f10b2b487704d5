"""What the shared driving code promises: the form parser reads a real page, the SMS gateway stub
keeps what a right token sends and refuses the rest, and a code is read only when it is unambiguous."""
import json
import urllib.error
import urllib.request

import pytest

from tests.support.codes import NoCode, code_in
from tests.support.forms import parse
from tests.support.sms_gateway import SmsGateway


def test_the_parser_reads_a_form_its_token_and_the_messages(client):
    page = parse(client.get("/masuk").get_data(as_text=True))
    form, pressed = page.with_button("Masuk")
    assert form.method == "post" and pressed.text == "Masuk"
    assert {"login", "password", "csrf_token"} <= set(form.fields()) and form.csrf_token
    assert page.labels["NIK atau Email"] in {item.id for item in form.inputs}

    refused = client.post("/masuk", data={**form.fields(), "login": "tidak.ada@contoh.id", "password": "salah"})
    assert parse(refused.get_data(as_text=True)).messages, "a refused login shows why"


def _post(gateway: SmsGateway, body: bytes, token: str) -> int:
    request = urllib.request.Request(gateway.url, data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_gateway_stub_delivers_with_the_token_and_refuses_without():
    message = json.dumps({"to": "+6281234567890", "text": "Kode OTP: 123456"}).encode()
    with SmsGateway(token="benar") as gateway:
        assert _post(gateway, message, "salah") == 401
        assert _post(gateway, b'{"to": "+6281234567890"}', "benar") == 400
        mark = gateway.mark("+6281234567890")
        assert _post(gateway, message, "benar") == 202
        assert gateway.code_after("+6281234567890", mark, timeout=1) == "123456"
        assert (gateway.refused, gateway.calls, len(gateway.delivered)) == (2, 3, 1)
        with pytest.raises(TimeoutError):
            gateway.code_after("+6281234567890", mark + 1, timeout=0.1)


@pytest.mark.parametrize("text", ["Tidak ada kode di sini.", "Kode 123456, atau 654321?"])
def test_a_text_without_exactly_one_code_gives_none(text):
    with pytest.raises(NoCode):
        code_in(text)


def test_an_amount_is_not_a_code():
    assert code_in("Rp1.000.000 dibayar; kode 482913.") == "482913"
