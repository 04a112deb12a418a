import pytest
from django.urls import reverse

HINT_URL = "thai:date-hint"


def test_the_hint_explains_a_ce_date(client):
    response = client.get(reverse(HINT_URL), {"value": "1/10/2017"})
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span class="thai-date-hint-ok">เข้าใจว่า 1 ตุลาคม 2560 (พิมพ์ปี ค.ศ. 2017)</span>'
    )


def test_the_hint_reads_the_parameter_named_by_field_as_htmx_sends_it(client):
    response = client.get(reverse(HINT_URL), {"field": "plan-start", "plan-start": "๑/๑๐/๒๕๖๐"})
    assert response.status_code == 200
    assert "เข้าใจว่า 1 ตุลาคม 2560 (ปี พ.ศ.)" in response.content.decode()


def test_an_unreadable_date_is_explained_with_status_200(client):
    response = client.get(reverse(HINT_URL), {"value": "29/2/2561"})
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span class="thai-date-hint-error">'
        "ไม่มีวันที่ 29 กุมภาพันธ์ 2561 (ปี พ.ศ. 2561 ไม่ใช่ปีอธิกสุรทิน)</span>"
    )


@pytest.mark.parametrize("query", [{}, {"value": ""}, {"value": "   "}, {"field": "missing"}])
def test_nothing_typed_gives_an_empty_hint(client, query):
    response = client.get(reverse(HINT_URL), query)
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_hint_escapes_what_was_typed(client):
    response = client.get(reverse(HINT_URL), {"value": "1 ต<script>alert()</script> 2560"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in content
    assert "&lt;script&gt;" in content


def test_the_hint_answers_get_only(client):
    assert client.post(reverse(HINT_URL), {"value": "1/10/2560"}).status_code == 405


def test_the_url():
    assert reverse(HINT_URL).endswith("/date-hint/")
