"""The report summary (reports.summary) as tables with Vietnamese headers, written as CSV (all
tables one after another, each under its title) or as an Excel workbook (one sheet per table).

Times are shown in minutes (one decimal), shares in per cent: the files are read by people.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from kiosk.office.operations.ratings import REASONS

REASON_VI = {"waited_long": "Phải chờ quá lâu", "attitude": "Thái độ phục vụ chưa tốt",
             "extra_papers": "Bị yêu cầu thêm giấy tờ", "procedure_unclear": "Hướng dẫn thủ tục chưa rõ"}
SCORE_VI = {"4": "Rất hài lòng", "3": "Hài lòng", "2": "Bình thường", "1": "Không hài lòng"}
TICKET_HEADERS = ["Số phiếu đã cấp", "Đã phục vụ", "Vắng mặt khi gọi", "Đã hủy", "Chưa phục vụ khi hết ngày",
                  "Chờ trung bình (phút)", "Chờ trung vị (phút)", "Chờ P90 (phút)",
                  "Giải quyết trung bình (phút)", "Giải quyết trung vị (phút)", "Giải quyết P90 (phút)"]
OFFICER_HEADERS = ["Đã phục vụ", "Vắng mặt khi gọi", "Giải quyết trung bình (phút)", "Giải quyết trung vị (phút)",
                   "Giải quyết P90 (phút)"]
RATING_HEADERS = ["Lượt đánh giá", *SCORE_VI.values(), "Tỷ lệ hài lòng (%)"]
DOSSIER_HEADERS = ["Hồ sơ đã khai", "Đã tiếp nhận", "Tỷ lệ tiếp nhận (%)", "Đã chuyển lên tỉnh",
                   "Tỷ lệ chuyển lên tỉnh (%)", "Đúng hẹn", "Trễ hẹn", "Trễ hẹn (đã có kết quả)",
                   "Trễ hẹn (chưa có kết quả)", "Chưa đến hẹn", "Tỷ lệ đúng hẹn (%)", "Nộp qua kiosk",
                   "Tỷ lệ qua kiosk (%)", "Có tình nguyện viên hỗ trợ", "Tỷ lệ có tình nguyện viên (%)"]
STATUS_VI = {"declared": "Đã khai", "received": "Đã tiếp nhận", "processing": "Đang giải quyết",
             "more_documents": "Yêu cầu bổ sung", "ready": "Có kết quả", "returned": "Đã trả kết quả",
             "rejected": "Từ chối", "cancelled": "Đã hủy"}


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _ticket_cells(x: dict[str, Any]) -> list[Any]:
    w, sv = x["waiting_seconds"], x["service_seconds"]
    return [x["issued"], x["served"], x["no_show"], x["cancelled"], x["unserved_at_close"],
            minutes(w["mean"]), minutes(w["median"]), minutes(w["p90"]),
            minutes(sv["mean"]), minutes(sv["median"]), minutes(sv["p90"])]


def _officer_cells(x: dict[str, Any]) -> list[Any]:
    sv = x["service_seconds"]
    return [x["served"], x["no_show"], minutes(sv["mean"]), minutes(sv["median"]), minutes(sv["p90"])]


def _rating_cells(r: dict[str, Any]) -> list[Any]:
    return [r["count"], *[r["by_score"][k] for k in SCORE_VI], percent(r["satisfied_share"])]


def _dossier_cells(x: dict[str, Any]) -> list[Any]:
    return [x["declared"], x["received"], percent(x["received_share"]), x["reached_province"],
            percent(x["reached_share"]), x["on_time"], x["late"], x["late_done"], x["late_open"], x["not_due"],
            percent(x["on_time_share"]), x["via_kiosk"], percent(x["kiosk_share"]), x["with_volunteer"],
            percent(x["volunteer_share"])]


def _status_cells(x: dict[str, Any]) -> list[Any]:
    return [x["by_status"].get(k, 0) for k in STATUS_VI]


def tables(summary: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, headers, rows) for each table of the report."""
    t, r = summary["tickets"], summary["ratings"]
    overview = [["Từ ngày", summary["from"]], ["Đến ngày", summary["to"]], ["Số ngày", summary["days"]]]
    overview += [[h, v] for h, v in zip(TICKET_HEADERS, _ticket_cells(t))]
    overview += [["Phiếu chuyển lĩnh vực", t["transferred"]], ["Phiếu ưu tiên", t["priority"]]]
    overview += [[h, v] for h, v in zip(RATING_HEADERS, _rating_cells(r))]
    overview += [[h, v] for h, v in zip(DOSSIER_HEADERS, _dossier_cells(summary["dossiers"]))]
    overview += [[f"Hiện ở trạng thái: {h}", v] for h, v in zip(STATUS_VI.values(), _status_cells(summary["dossiers"]))]
    return [
        ("Tổng hợp", ["Chỉ tiêu", "Giá trị"], overview),
        ("Theo lĩnh vực", ["Lĩnh vực", *TICKET_HEADERS],
         [[x["name_vi"], *_ticket_cells(x)] for x in summary["by_service"]]),
        ("Theo quầy", ["Quầy", *TICKET_HEADERS, *RATING_HEADERS],
         [[f"Quầy {x['counter']}", *_ticket_cells(x), *_rating_cells(x["ratings"])] for x in summary["by_counter"]]),
        ("Theo cán bộ", ["Cán bộ", "Họ và tên", *OFFICER_HEADERS, *RATING_HEADERS],
         [[x["officer"] or "", x["full_name"], *_officer_cells(x), *_rating_cells(x["ratings"])]
          for x in summary["by_officer"]]),
        ("Lý do chưa hài lòng", ["Lý do", "Số lượt"], [[REASON_VI[k], r["reasons"].get(k, 0)] for k in REASONS]),
        ("Theo giờ", ["Giờ", "Số phiếu đã cấp", "Đã phục vụ", "Chờ trung bình (phút)"],
         [[f"{x['hour']:02d}:00", x["issued"], x["served"], minutes(x["waiting_mean_seconds"])]
          for x in summary["by_hour"]]),
        ("Hồ sơ theo thủ tục", ["Mã thủ tục", "Thủ tục", *DOSSIER_HEADERS, *STATUS_VI.values()],
         [[x["procedure"], x["name_vi"], *_dossier_cells(x), *_status_cells(x)] for x in summary["by_procedure"]]),
    ]


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # no formulas when opened in Excel
    return value


def to_csv(summary: dict[str, Any]) -> str:
    """UTF-8 text with a BOM (so Excel reads the Vietnamese as UTF-8); tables separated by a blank line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for i, (title, headers, rows) in enumerate(tables(summary)):
        if i:
            w.writerow([])
        w.writerow([title])
        w.writerow(headers)
        w.writerows([[_csv_cell(c) for c in row] for row in rows])
    return "\ufeff" + buf.getvalue()


def to_xlsx(summary: dict[str, Any]) -> bytes:
    """An Excel workbook, one sheet per table, bold headers, first row frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in tables(summary):
        ws = wb.create_sheet(title)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:  # a name typed as "=..." stays text, never a formula
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
        for col, header in zip(ws.columns, headers):
            width = max([len(str(header))] + [len(str(c.value)) for c in col if c.value is not None])
            ws.column_dimensions[col[0].column_letter].width = min(48, width + 2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
