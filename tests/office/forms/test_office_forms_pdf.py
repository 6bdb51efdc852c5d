"""The department's papers rendered from plain dicts and read back with pypdf: the words an officer
and a citizen read (titles, motto, code, names, documents, sets, dates "ngày … tháng … năm …"),
Vietnamese that round-trips exactly (NFC), the embedded font and the A4 page."""

import copy
import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader

from kiosk.domain.catalogue import load_catalogue
from kiosk.office import forms
from kiosk.office.forms import dates
from kiosk.office.forms.layout import place_name

A4 = (595.28, 841.89)  # points
WARD = {"name": "UBND phường Bến Thành", "department": "Trung tâm Phục vụ hành chính công",
        "address": "Số 1 đường Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", "phone": "028 3822 1234",
        "timezone": "Asia/Ho_Chi_Minh"}
# a birth registration declared at 14:10, received at 14:30 on 2 December 2026 (UTC+7), as H1's
# staff view shows it once received, asked for more papers and finally refused
VIEW = {
    "code": "BT-20261202-0007", "status": "received", "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "applicant": {"full_name": "Nguyễn Thị Hòa", "id_number": "079190001234", "date_of_birth": "1990-05-17",
                  "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", "phone": "0903123456"},
    "fields": {"child_full_name": "Trần Minh Khuê", "child_date_of_birth": "2024-02-20", "child_sex": "Nữ",
               "child_place_of_birth": "Bệnh viện Từ Dũ",
         "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_hometown": "Phường Bến Thành, TP. Hồ Chí Minh",
         "mother_birth_year": 1990, "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
         "mother_residence": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
         "mother_full_name": "Nguyễn Thị Hòa",
               "mother_id_number": "079190001234", "relationship": "Mẹ"},
    "declared_at": "2026-12-02T07:10:00+00:00", "received_at": "2026-12-02T07:30:00+00:00",
    "received_by": "Lê Văn Tâm",
    "documents_received": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh (bản chính)"], "sets": 2,
    "appointment_at": "2026-12-03T10:00:00", "appointment_date": "2026-12-03",
    "missing_documents": [], "note": None,
    "history": [{"status": "declared", "at": "2026-12-02T07:10:00+00:00", "note": None},
                {"status": "received", "at": "2026-12-02T07:30:00+00:00", "note": None}],
}


@pytest.fixture(scope="module")
def birth():
    return next(p for p in load_catalogue().to_dict()["procedures"] if p["code"] == "1.001193")


def view(**changes):
    v = copy.deepcopy(VIEW)
    v.update(changes)
    return v


def read(pdf: bytes) -> tuple[PdfReader, str]:
    """The reader and the text of all pages, whitespace folded (justified lines stretch spaces)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    return reader, text


def later(v, status, at, note=None, **changes):
    v = copy.deepcopy(v)
    v["history"].append({"status": status, "at": at, "note": note})
    v.update(status=status, note=note, **changes)
    return v


# ---- Mẫu 01 -----------------------------------------------------------------------------------------

def test_the_receipt_is_mau_01_with_everything_the_citizen_keeps(birth):
    pdf = forms.render("receipt", VIEW, birth, WARD, officer="Phạm Thu Trang")
    reader, text = read(pdf)
    assert pdf.startswith(b"%PDF-")
    for expected in (
        "UBND PHƯỜNG BẾN THÀNH", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Bến Thành, ngày 02 tháng 12 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: BT-20261202-0007",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hòa", "Địa chỉ: 12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
        "Số điện thoại: 0903123456", "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "1. Thành phần hồ sơ nộp gồm: 1) Tờ khai đăng ký khai sinh 2) Giấy chứng sinh (bản chính)",
        "2. Số lượng hồ sơ: 02 (bộ)", "3. Thời gian giải quyết hồ sơ theo quy định là: 1 ngày làm việc",
        "4. Thời gian nhận hồ sơ: Hồi 14 giờ 30 phút, ngày 02 tháng 12 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: Hồi 10 giờ 00 phút, ngày 03 tháng 12 năm 2026",
        "6. Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công, UBND phường Bến Thành",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)",
        "Số 1 đường Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", "028 3822 1234",
    ):
        assert expected in text, expected
    # the officer who received it signs, not whoever prints it later
    assert "Lê Văn Tâm" in text and "Phạm Thu Trang" not in text
    # two copies (liên), one page each: the applicant's and the department's
    assert len(reader.pages) == 2
    first, second = (" ".join(p.extract_text().split()) for p in reader.pages)
    assert "(Liên 1: giao người nộp hồ sơ)" in first
    assert "(Liên 2: lưu tại Trung tâm Phục vụ hành chính công)" in second
    assert first.count("Nguyễn Thị Hòa") >= 2  # applicant line and under her signature


def test_a_receipt_without_checked_papers_or_hour_leaves_dots_to_fill_by_hand(birth):
    # today's staff view: no documents or sets recorded, the appointment is a date only
    v = view(documents_received=None, sets=None, appointment_at=None, appointment_date="2026-03-03",
             received_by=None)
    _, text = read(forms.render("receipt", v, birth, WARD, officer="Nguyễn Văn An"))
    assert "1. Thành phần hồ sơ nộp gồm: 1) ....." in text and "3) ....." in text
    assert "2. Số lượng hồ sơ: ....." in text
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: Ngày 03 tháng 3 năm 2026" in text
    assert "Nguyễn Văn An" in text  # nobody recorded: the officer printing it signs


# ---- Mẫu 02 and 03 -----------------------------------------------------------------------------------

def test_the_supplement_lists_the_missing_papers_the_reason_and_the_officer(birth):
    v = later(VIEW, "more_documents", "2026-12-03T02:00:00+00:00", note="Giấy chứng sinh bị tẩy xóa",
              missing_documents=["Giấy chứng sinh (bản chính)", "Văn bản ủy quyền"])
    _, text = read(forms.render("supplement", v, birth, WARD, officer="Phạm Thu Trang"))
    for expected in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Độc lập - Tự do - Hạnh phúc",
                     "Bến Thành, ngày 03 tháng 12 năm 2026", "Mã hồ sơ: BT-20261202-0007",
                     "Hồ sơ của: Nguyễn Thị Hòa", "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
                     "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau: 1. Giấy chứng sinh (bản chính) "
                     "2. Văn bản ủy quyền",
                     "Lý do: Giấy chứng sinh bị tẩy xóa", "NGƯỜI HƯỚNG DẪN", "Phạm Thu Trang",
                     "số điện thoại 028 3822 1234"):
        assert expected in text, expected


def test_a_supplement_asked_with_a_note_only_lists_the_notes_lines(birth):
    # today's /status move keeps the missing papers in the note, one per line
    v = later(VIEW, "more_documents", "2026-12-03T02:00:00+00:00", note="Giấy chứng sinh\n- Văn bản ủy quyền")
    _, text = read(forms.render("supplement", v, birth, WARD, officer="Phạm Thu Trang"))
    assert "1. Giấy chứng sinh 2. Văn bản ủy quyền" in text
    assert "Lý do: Thành phần hồ sơ chưa đầy đủ, hợp lệ theo quy định." in text


def test_the_refusal_gives_the_reason(birth):
    v = later(VIEW, "rejected", "2026-12-04T03:00:00+00:00",
              note="Người được khai sinh không cư trú trên địa bàn phường")
    _, text = read(forms.render("refusal", v, birth, WARD, officer="Phạm Thu Trang"))
    for expected in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Bến Thành, ngày 04 tháng 12 năm 2026", "Tiếp nhận hồ sơ của: Nguyễn Thị Hòa",
                     "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: "
                     "Người được khai sinh không cư trú trên địa bàn phường",
                     "NGƯỜI TIẾP NHẬN HỒ SƠ", "Phạm Thu Trang"):
        assert expected in text, expected


# ---- the declaration ---------------------------------------------------------------------------------

def test_the_declaration_is_the_procedures_to_khai_filled_for_the_citizen_to_sign(birth):
    _, text = read(forms.render("declaration", VIEW, birth, WARD))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "TỜ KHAI ĐĂNG KÝ KHAI SINH", "(Mã hồ sơ: BT-20261202-0007)",
                     "Kính gửi: UBND phường Bến Thành",
                     "Họ, chữ đệm và tên người yêu cầu: Nguyễn Thị Hòa", "Ngày sinh: 17/05/1990",
                     "Họ, chữ đệm và tên của trẻ: Trần Minh Khuê", "Ngày sinh của trẻ: 20/02/2024",
                     "Nơi sinh: Bệnh viện Từ Dũ", "Quan hệ với người được khai sinh: Mẹ",
                     "Tôi cam đoan những nội dung khai trên đây là đúng sự thật",
                     "Làm tại: Bến Thành, ngày 02 tháng 12 năm 2026", "NGƯỜI YÊU CẦU",
                     "(Ký, ghi rõ họ, chữ đệm, tên)"):
        assert expected in text, expected
    # an optional field left empty keeps its line, dotted, as on the paper template
    assert "Họ, chữ đệm và tên người cha: ....." in text
    # the agency header belongs to the department's papers, not to the citizen's declaration
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" not in text
    assert text.rstrip().endswith("Nguyễn Thị Hòa")  # her name under her signature, last


def test_every_procedure_of_the_catalogue_gets_a_declaration_with_its_own_title():
    for p in load_catalogue().to_dict()["procedures"]:
        v = view(procedure_code=p["code"], procedure_name=p["name_vi"], fields={})
        _, text = read(forms.render("declaration", v, p, WARD))
        assert "Nguyễn Thị Hòa" in text
        assert ("TỜ KHAI " in text or "PHIẾU YÊU CẦU " in text), p["code"]
    titles = {p["code"]: forms.declaration.title({"procedure_code": p["code"]}, p)
              for p in load_catalogue().to_dict()["procedures"]}
    assert titles["1.000894"] == "TỜ KHAI ĐĂNG KÝ KẾT HÔN"
    assert titles["2.000635"] == "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH"


# ---- the paper itself --------------------------------------------------------------------------------

@pytest.mark.parametrize("form", forms.FORMS)
def test_each_form_is_a4_with_the_font_embedded_and_nfc_text(birth, form):
    v = later(later(VIEW, "more_documents", "2026-12-03T02:00:00+00:00", note="Giấy chứng sinh"),
              "rejected", "2026-12-04T03:00:00+00:00", note="Tiếp nhận sai thẩm quyền")
    # names typed on a keyboard that sends combining marks (NFD) still print as NFC
    v["applicant"]["full_name"] = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    reader, text = read(forms.render(form, v, birth, WARD, officer="Phạm Thu Trang"))
    assert unicodedata.is_normalized("NFC", text)
    assert "Nguyễn Thị Hòa" in text and "Hạnh phúc" in text
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
        fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
        assert fonts and all(f["/Subtype"] == "/Type0" for f in fonts)  # no Helvetica fallback
        for f in fonts:
            descriptor = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f["/BaseFont"]  # the TrueType travels inside the PDF
            assert "Roboto" in f["/BaseFont"]
    assert reader.metadata.title.startswith(("GIẤY", "PHIẾU", "TỜ KHAI"))


def test_a_long_list_of_papers_runs_onto_another_page_and_keeps_the_signatures_together(birth):
    papers = [f"Giấy tờ số {n} – bản sao có chứng thực" for n in range(1, 41)]
    reader, text = read(forms.render("receipt", view(documents_received=papers), birth, WARD))
    assert all(f"{n}) Giấy tờ số {n} –" in text for n in range(1, 41))
    assert len(reader.pages) > 2
    for page in reader.pages:
        t = " ".join(page.extract_text().split())
        if "NGƯỜI TIẾP NHẬN HỒ SƠ" in t:
            assert "Lê Văn Tâm" in t  # title, space to sign and name on the same page


# ---- when a form applies -----------------------------------------------------------------------------

@pytest.mark.parametrize("statuses, form, applies", [
    (["declared"], "receipt", False),
    (["declared", "rejected"], "receipt", False),  # refused at the counter: never received
    (["declared", "received"], "receipt", True),
    (["received", "processing", "ready"], "receipt", True),  # today: submitted means received
    (["received"], "supplement", False),
    (["received", "more_documents"], "supplement", True),
    (["received", "more_documents", "processing"], "supplement", True),  # once asked, still printable
    (["received", "processing"], "refusal", False),
    (["received", "rejected"], "refusal", True),
    (["declared"], "declaration", True),
    (["received", "rejected"], "declaration", True),
])
def test_which_forms_apply(statuses, form, applies):
    v = {"status": statuses[-1], "history": [{"status": s, "at": "2026-12-02T07:10:00+00:00"} for s in statuses]}
    why = forms.not_applicable(form, v)
    assert (why is None) == applies, why
    if why:
        assert isinstance(why, str) and why


def test_an_unknown_form_is_a_programming_error():
    with pytest.raises(ValueError):
        forms.not_applicable("invoice", VIEW)


# ---- dates and places --------------------------------------------------------------------------------

def test_dates_follow_decree_30_leading_zeros():
    assert dates.day_month_year(dt.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert dates.day_month_year(dt.date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert dates.day_month_year(dt.date(2026, 3, 15)) == "ngày 15 tháng 3 năm 2026"
    assert dates.at_time(dt.datetime(2026, 12, 2, 14, 30)) == "Hồi 14 giờ 30 phút, ngày 02 tháng 12 năm 2026"
    # the API's UTC instant is the office's local time on paper
    assert dates.local_time("2026-12-02T07:30:00+00:00", "Asia/Ho_Chi_Minh").hour == 14


@pytest.mark.parametrize("ward, place", [
    ("UBND phường Bến Thành", "Bến Thành"), ("Ủy ban nhân dân xã Tân Phú", "Tân Phú"),
    ("UBND thị trấn Đông Anh", "Đông Anh"), ("Phường Hoàn Kiếm", "Hoàn Kiếm"), ("Đặc khu Phú Quốc", "Phú Quốc"),
])
def test_the_place_on_the_date_line_is_the_wards_own_name(ward, place):
    assert place_name(ward) == place


def test_a_purged_dossier_prints_no_form():
    purged = view(purged_at="2027-12-05T00:00:00+00:00", applicant={"purged_at": "2027-12-05T00:00:00+00:00"})
    assert all(forms.not_applicable(f, purged) for f in forms.FORMS)


def test_a_procedure_gone_from_the_catalogue_still_prints_the_declarations_answers():
    _, text = read(forms.render("declaration", VIEW, {"code": "1.001193"}, WARD))
    assert "Họ, chữ đệm và tên người yêu cầu: Nguyễn Thị Hòa" in text
    assert "child_full_name: Trần Minh Khuê" in text and "Ngày sinh: 17/05/1990" in text


def test_the_receipt_on_80_mm_thermal_paper_is_one_strip_per_copy_as_long_as_its_text(birth):
    """The counter's thermal printer: the same receipt, 80 mm wide, the agency above the motto,
    the title on one line, each copy one page exactly as long as its text (no metre of blank roll)."""
    pdf = forms.render("receipt", VIEW, birth, WARD, paper="80mm")
    reader, text = read(pdf)
    assert len(reader.pages) == 2  # Liên 1 and Liên 2
    width_mm = float(reader.pages[0].mediabox.width) * 25.4 / 72
    height_mm = float(reader.pages[0].mediabox.height) * 25.4 / 72
    assert round(width_mm) == 80 and 150 < height_mm < 300, height_mm
    lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in lines  # not broken over two lines
    assert lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") > lines.index("UBND PHƯỜNG BẾN THÀNH")  # stacked
    for expected in ("Mã hồ sơ: BT-20261202-0007", "2. Số lượng hồ sơ: 02 (bộ)", "Lê Văn Tâm", "Nguyễn Thị Hòa",
                     "(Liên 1: giao người nộp hồ sơ)"):
        assert expected in text, expected


def test_only_the_receipt_prints_on_a_roll(birth):
    with pytest.raises(ValueError):
        forms.render("declaration", VIEW, birth, WARD, paper="80mm")
