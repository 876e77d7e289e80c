"""The catalogue's pages (R2.7): the Office edits and imports; others with a need read; requesters are refused;
the dispatch form's JSON search proposes the unit; bad input is answered on the page and writes nothing."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jiesu.catalogue import excel
from jiesu.catalogue.models import CatalogueVersion, Matter
from tests.support import queries_for, signed_in, unit


def upload(client, data: bytes):  # noqa: ANN001, ANN201
    return client.post("/catalogue/import/", {"file": SimpleUploadedFile("目录.xlsx", data)})


def test_who_may_see_and_edit(catalogue: None) -> None:
    assert signed_in("dispatcher").get("/catalogue/").status_code == 200
    assert signed_in("inspector").get("/catalogue/").status_code == 200
    assert signed_in("student").get("/catalogue/").status_code == 403
    assert signed_in("head").get("/catalogue/search.json?q=暖气").status_code == 403
    assert signed_in("inspector").post("/catalogue/add/", {"name": "x"}).status_code == 403
    assert signed_in("duty").get("/catalogue/import/").status_code == 403


def test_the_tree_page_runs_a_fixed_number_of_queries(catalogue: None) -> None:
    client = signed_in("dispatcher")
    assert queries_for(client, "/catalogue/") <= 15
    assert queries_for(client, "/catalogue/versions/") <= 15


def test_the_search_proposes_the_unit_of_a_matter(catalogue: None) -> None:
    found = signed_in("dispatcher").get("/catalogue/search.json", {"q": "宿舍暖气片冰凉，室温太低"}).json()
    first = found["results"][0]
    assert (first["name"], first["unit"], first["unit_id"]) == ("供暖", "后勤管理处", unit("logistics").pk)
    assert signed_in("dispatcher").get("/catalogue/search.json").json() == {"results": []}


def test_adding_renaming_and_an_earlier_version(catalogue: None) -> None:
    client = signed_in("dispatcher")
    area = Matter.objects.get(code="05")
    response = client.post(
        "/catalogue/add/",
        {"name": "快递收发", "parent": area.pk, "unit": unit("logistics").pk, "keywords": "快递 包裹"},
    )
    assert response.status_code == 302
    added = Matter.objects.get(name="快递收发")
    response = client.post(
        f"/catalogue/matters/{added.pk}/",
        {"name": "快递与邮件", "parent": area.pk, "unit": unit("security").pk, "keywords": "快递"},
    )
    assert response.status_code == 302
    page = client.get(f"/catalogue/matters/{added.pk}/").content.decode()
    assert "快递收发" in page and "快递与邮件" in page  # the history shows before → after
    old = client.get("/catalogue/versions/2/").content.decode()
    assert "快递收发" in old and "快递与邮件" not in old
    bad = client.post(f"/catalogue/matters/{added.pk}/", {"name": "食堂", "parent": area.pk})
    assert bad.status_code == 400 and 'data-testid="form-error"' in bad.content.decode()
    assert CatalogueVersion.objects.count() == 3


def test_import_previews_then_confirms(catalogue: None) -> None:
    client = signed_in("dispatcher")
    book = load_workbook(io.BytesIO(excel.export()))
    book.active.append(["", "05", "快递收发", "后勤管理处", "", "快递", "在用", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = upload(client, buffer.getvalue())
    assert preview.status_code == 200 and 'data-testid="confirm-import"' in preview.content.decode()
    assert not Matter.objects.filter(name="快递收发").exists()
    assert client.post("/catalogue/import/confirm/").status_code == 302
    assert Matter.objects.filter(name="快递收发").exists()
    assert client.post("/catalogue/import/confirm/").status_code == 302  # nothing pending: nothing twice
    assert Matter.objects.filter(name="快递收发").count() == 1


def test_a_bad_import_shows_each_row_and_cannot_be_confirmed(catalogue: None) -> None:
    client = signed_in("dispatcher")
    book = load_workbook(io.BytesIO(excel.export()))
    book.active.append(["", "05", "快递收发", "不存在的处", "", "", "在用", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = upload(client, buffer.getvalue())
    page = preview.content.decode()
    assert preview.status_code == 400 and 'data-testid="row-error"' in page and "confirm-import" not in page
    assert upload(client, b"garbage").status_code == 400
    assert client.post("/catalogue/import/confirm/").status_code == 302
    assert not Matter.objects.filter(name="快递收发").exists()


def test_export_is_a_workbook(catalogue: None) -> None:
    response = signed_in("inspector").get("/catalogue/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == excel.COLUMNS
    assert sheet.max_row == Matter.objects.count() + 1
