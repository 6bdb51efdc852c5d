"""The month's report for the ward's leaders rendered from a summary dict (as GET /api/reports/summary
returns it) and read back with pypdf: the admin header, the title with the month, the exact key
figures in Vietnamese notation, the four charts and two tables, the head's signature; A4, font embedded."""

import copy
import datetime as dt
import io

from pypdf import PdfReader

from kiosk import i18n
from kiosk.office.forms import monthly_report

A4 = (595.28, 841.89)
WARD = {"name": "UBND phường Bến Thành", "department": "Trung tâm Phục vụ hành chính công",
        "timezone": "Asia/Ho_Chi_Minh"}


def times(count, mean, median, p90):
    return {"count": count, "mean": mean, "median": median, "p90": p90}


def ticket_counts(issued, served, no_show, median_wait, p90_wait, median_service):
    return {"issued": issued, "served": served, "no_show": no_show, "cancelled": 0, "unserved_at_close": 0,
            "open": 0, "transferred": 0, "priority": 0,
            "waiting_seconds": times(served + no_show, median_wait, median_wait, p90_wait),
            "service_seconds": times(served, median_service, median_service, median_service and median_service * 1.5)}


def rating(by_score):
    n = sum(by_score.values())
    ok = by_score.get("3", 0) + by_score.get("4", 0)
    return {"count": n, "by_score": {k: by_score.get(k, 0) for k in "1234"}, "satisfied": ok,
            "satisfied_share": round(ok / n, 4) if n else None, "mean_score": None, "reasons": {}, "via": {}}


def dossiers(declared, received, reached, on_time, late, kiosk, volunteer, not_due=0):
    def share(a, b):
        return round(a / b, 4) if b else None
    return {"declared": declared, "received": received, "received_share": share(received, declared),
            "reached_province": reached, "reached_share": share(reached, received), "on_time": on_time,
            "late": late, "late_done": late, "late_open": 0, "not_due": not_due,
            "on_time_share": share(on_time, on_time + late), "via_kiosk": kiosk, "kiosk_share": share(kiosk, declared),
            "with_volunteer": volunteer, "volunteer_share": share(volunteer, declared), "by_status": {}}


SUMMARY = {
    "from": "2026-03-01", "to": "2026-03-31", "days": 31,
    "tickets": {**ticket_counts(1250, 1180, 52, 534.0, 1266.0, 612.0), "unserved_at_close": 18},
    "ratings": rating({"4": 640, "3": 210, "2": 40, "1": 12}),
    "by_service": [{"service": "ho-tich", "prefix": "A", "name_vi": "Hộ tịch", "name_en": "Civil status",
                    **ticket_counts(700, 660, 30, 600.0, 1400.0, 540.0)},
                   {"service": "dat-dai", "prefix": "C", "name_vi": "Đất đai", "name_en": "Land",
                    **ticket_counts(300, 280, 12, 420.0, 900.0, 900.0)},
                   {"service": "chung-thuc", "prefix": "B", "name_vi": "Chứng thực", "name_en": "Certification",
                    **ticket_counts(250, 240, 10, 300.0, 700.0, 300.0)}],
    "by_counter": [{"counter": n, "counter_id": n, "name": f"Quầy {n}",
                    **ticket_counts(400 + n, 380, 15, 500.0, 1200.0, 600.0),
                    "ratings": rating({"4": 200, "3": 80 + n, "1": 4})} for n in (1, 2, 3)],
    "by_officer": [{"officer": "canbo1", "full_name": "Nguyễn Văn An", "served": 1105, "no_show": 40,
                    "service_seconds": times(1105, 600.0, 606.0, 1500.0), "ratings": rating({"4": 1020, "1": 30})},
                   {"officer": None, "full_name": "", "served": 0, "no_show": 0,  # not a staff account: left out
                    "service_seconds": times(0, None, None, None), "ratings": rating({"3": 2})}],
    "by_hour": [{"hour": h, "issued": 100, "served": 95, "waiting_mean_seconds": 240.0 + 60 * i}
                for i, h in enumerate((7, 8, 9, 10, 13, 14, 15, 16))],
    "dossiers": dossiers(420, 390, 370, 330, 12, 260, 85, not_due=30),
    "by_procedure": [{"procedure": "1.001193", "name_vi": "Đăng ký khai sinh", "name_en": "",
                      **dossiers(180, 170, 165, 150, 3, 120, 40)},
                     {"procedure": "1.004873", "name_vi": "Cấp Giấy xác nhận tình trạng hôn nhân", "name_en": "",
                      **dossiers(140, 130, 125, 110, 6, 90, 30)},
                     {"procedure": "2.000908", "name_vi": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do "
                                                         "cơ quan có thẩm quyền của Việt Nam cấp",
                      "name_en": "", **dossiers(100, 90, 80, 70, 3, 50, 15)}],
}


def read(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_the_monthly_report_has_the_title_the_month_and_the_exact_key_figures():
    reader, text = read(monthly_report.render(SUMMARY, WARD, "2026-03", made_on=dt.date(2026, 4, 2)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND PHƯỜNG BẾN THÀNH" in text and "Bến Thành, ngày 02 tháng 4 năm 2026" in text
    assert "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG 03/2026" in text
    assert "(Từ ngày 01/03/2026 đến ngày 31/03/2026)" in text
    for figure in ("Số phiếu đã cấp: 1.250", "Đã phục vụ: 1.180", "Vắng mặt khi gọi: 52",
                   "Chưa phục vụ khi hết ngày: 18",
                   "Thời gian chờ trung vị: 8,9 phút", "Thời gian chờ P90: 21,1 phút",   # 534 s, 1266 s
                   "Thời gian giải quyết trung vị: 10,2 phút",                          # 612 s
                   "Hồ sơ đã khai: 420", "Đã tiếp nhận: 390 (92,9%)",
                   "Đã chuyển lên tỉnh: 370 (94,9%)", "Trả kết quả đúng hẹn: 330 (96,5%)",
                   "Trễ hẹn: 12", "Chưa đến hẹn: 30", "Nộp qua kiosk: 260 (61,9%)",
                   "Có tình nguyện viên hỗ trợ: 85 (20,2%)",
                   "Lượt đánh giá: 902", "Tỷ lệ hài lòng: 850 (94,2%)"):
        assert figure in text, figure
    for chart in ("Biểu đồ 1. Số phiếu đã cấp theo lĩnh vực", "Biểu đồ 2. Thời gian chờ trung bình theo giờ",
                  "Biểu đồ 3. Số hồ sơ đã khai theo thủ tục", "Biểu đồ 4. Số lượt đánh giá theo mức độ"):
        assert chart in text, chart
    assert "07:00–08:00" in text and "Rất hài lòng 640" in text and "Đăng ký khai sinh 180" in text
    assert "Hộ tịch 700 660 30 10,0 23,3 9,0" in text      # the table by field: 600 s, 1400 s, 540 s
    assert "Quầy 2 402 380 15 8,3 20,0 98,6%" in text       # by counter: 282 of 286 satisfied
    assert "Nguyễn Văn An 1.105 40 10,1 25,0 1.050 97,1%" in text  # by officer: 606 s, 1500 s; 1020 of 1050
    assert text.count("Lượt đánh giá") == 2  # the officers' table has no row for ratings without an officer
    assert "GIÁM ĐỐC TRUNG TÂM" in text and "NGƯỜI LẬP BÁO CÁO" in text


def test_numbers_are_written_with_the_languages_separators():
    assert [i18n.number(n, "vi") for n in (0, 999, 1250, 1234567)] == ["0", "999", "1.250", "1.234.567"]
    assert [i18n.number(n, "en") for n in (999, 1250, 1234567)] == ["999", "1,250", "1,234,567"]
    assert (i18n.number(1250.46, "vi", 1), i18n.number(1250.46, "en", 1)) == ("1.250,5", "1,250.5")
    assert (monthly_report.number(1250.46, " phút"), monthly_report.count(60000)) == ("1.250,5 phút", "60.000")


def test_the_charts_are_drawn_bars_one_per_value():
    pdf = monthly_report.render(SUMMARY, WARD, "2026-03")
    reader, text = read(pdf)
    bars = sum(p.get_contents().get_data().count(b" re f") for p in reader.pages)  # filled rectangles
    assert bars == 3 + 8 + 3 + 4  # fields, hours, procedures, rating levels
    assert "ngày …… tháng …… năm ……" in text  # no date given: left for a pen


def test_a_month_without_activity_says_so_instead_of_empty_charts():
    empty = copy.deepcopy(SUMMARY)
    empty.update(tickets=ticket_counts(0, 0, 0, None, None, None), ratings=rating({}), by_service=[], by_counter=[],
                 by_hour=[], dossiers=dossiers(0, 0, 0, 0, 0, 0, 0), by_procedure=[])
    reader, text = read(monthly_report.render(empty, WARD, "2026-02"))
    assert "THÁNG 02/2026" in text and "Thời gian chờ trung vị: —" in text and "Đã tiếp nhận: 0 (—)" in text
    assert text.count("Không có số liệu trong tháng.") == 4


def test_the_monthly_report_is_a4_with_the_font_embedded():
    reader, _ = read(monthly_report.render(SUMMARY, WARD, "2026-03"))
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            descriptor = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor and "Roboto" in f["/BaseFont"]


def test_many_procedures_chart_the_fifteen_most_declared_the_rest_in_one_bar():
    many = copy.deepcopy(SUMMARY)
    many["by_procedure"] = [{"procedure": f"1.{i:06d}", "name_vi": f"Thủ tục số {i}", "name_en": "",
                             **dossiers(100 - i, 0, 0, 0, 0, 0, 0)} for i in range(40)]
    reader, text = read(monthly_report.render(many, WARD, "2026-03"))
    assert "Thủ tục số 13 87" in text and "Thủ tục số 14" not in text
    assert sum(100 - i for i in range(14, 40)) == 1911
    assert "26 thủ tục khác 1.911" in text  # the thousands dot
    bars = sum(p.get_contents().get_data().count(b" re f") for p in reader.pages)
    assert bars == 3 + 8 + 15 + 4
