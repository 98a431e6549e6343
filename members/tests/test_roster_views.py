from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import ImportBatch, Member
from members.tests.rosters import messy_roster


def _upload(client, data, name="名册.xlsx"):
    return client.post(reverse("members:import"), {"file": SimpleUploadedFile(name, data)})


def test_upload_requires_school_manager(login, member, sub_union_chair):
    assert login(member).get(reverse("members:import")).status_code == 403
    assert login(sub_union_chair).get(reverse("members:import")).status_code == 403


def test_preview_lists_errors_and_confirm_writes_nothing(login, chair, sub_a, sub_b):
    client = login(chair)
    response = _upload(client, messy_roster(bad=True))
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("members:import_preview", args=[batch.pk])
    body = client.get(response["Location"]).content.decode()
    assert "第 5 行" in body and "身份证号校验位不正确" in body and "未写入任何数据" in body
    client.post(reverse("members:import_confirm", args=[batch.pk]))
    assert Member.objects.filter(staff_no__startswith="T").count() == 0


def test_clean_file_previews_then_confirms(login, chair, sub_a, sub_b):
    client = login(chair)
    response = _upload(client, messy_roster(bad=False))
    body = client.get(response["Location"]).content.decode()
    assert "将新增 8 人" in body
    assert Member.objects.filter(staff_no__startswith="T").count() == 0
    batch = ImportBatch.objects.get()
    assert client.get(reverse("members:import_confirm", args=[batch.pk])).status_code == 405
    client.post(reverse("members:import_confirm", args=[batch.pk]))
    assert Member.objects.filter(staff_no__startswith="T").count() == 8
    batch.refresh_from_db()
    assert batch.status == "done"


def test_wrong_extension_is_refused_on_the_form(login, chair):
    response = _upload(login(chair), b"hello", name="photo.png")
    assert response.status_code == 200 and "只支持 .xlsx 和 .csv 文件" in response.content.decode()


def test_outsider_cannot_open_another_schools_batch(login, chair, outsider, sub_a):
    client = login(chair)
    _upload(client, messy_roster(bad=False))
    batch = ImportBatch.objects.get()
    assert login(outsider).get(reverse("members:import_preview", args=[batch.pk])).status_code == 404
