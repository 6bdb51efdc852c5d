"""What the paper would look like: a small ESC/POS interpreter that draws the bytes we send.

It understands exactly the commands the raster encoder emits (ESC @, ESC a, ESC J, ESC d, LF,
GS v 0, GS ( k for QR, GS V), so the preview is made from the real bytes, not from a second
rendering path. With strict=True any other command is an error: the tests use that to prove the
encoder sends nothing a printer might misread.
"""

from __future__ import annotations

from PIL import Image, ImageOps

from devices.printer.render import qr_image

LINE_DOTS = 30  # ESC d / LF advance: the default 1/6 inch line


class UnknownCommand(ValueError):
    pass


def interpret(data: bytes, width: int, *, strict: bool = False) -> Image.Image:
    """Draw `data` onto paper `width` dots wide; returns a mode "1" image (0 = ink), cut marks excluded."""
    pieces: list[tuple[int, int, Image.Image]] = []  # (x, y, image)
    y = 0
    align = 0
    qr_store = b""
    qr_module = 3
    i = 0
    n = len(data)

    def place(img: Image.Image) -> None:
        nonlocal y
        x = {0: 0, 1: (width - img.width) // 2, 2: width - img.width}[align]
        pieces.append((max(0, x), y, img))
        y += img.height

    while i < n:
        b = data[i]
        if b == 0x1B and i + 1 < n:  # ESC
            cmd = data[i + 1]
            if cmd == 0x40:  # ESC @
                align = 0
                i += 2
            elif cmd == 0x61:  # ESC a n
                align = data[i + 2] % 48
                i += 3
            elif cmd == 0x4A:  # ESC J n
                y += data[i + 2]
                i += 3
            elif cmd == 0x64:  # ESC d n
                y += data[i + 2] * LINE_DOTS
                i += 3
            elif strict:
                raise UnknownCommand(f"ESC 0x{cmd:02x} at byte {i}")
            else:
                i += 2
        elif b == 0x1D and i + 1 < n:  # GS
            cmd = data[i + 1]
            if cmd == 0x76 and data[i + 2] == 0x30:  # GS v 0 m xL xH yL yH
                m = data[i + 3] % 48
                wb = data[i + 4] | data[i + 5] << 8
                h = data[i + 6] | data[i + 7] << 8
                body = data[i + 8:i + 8 + wb * h]
                img = ImageOps.invert(Image.frombytes("1", (wb * 8, h), body).convert("L"))  # 1 bit = ink
                if m:  # 1: double width, 2: double height, 3: both
                    img = img.resize((img.width * (1 + (m & 1)), h * (1 + (m >> 1 & 1))), Image.NEAREST)
                place(img.convert("1"))
                i += 8 + wb * h
            elif cmd == 0x28 and data[i + 2] == 0x6B:  # GS ( k pL pH cn fn ...
                length = data[i + 3] | data[i + 4] << 8
                body = data[i + 5:i + 5 + length]
                fn = body[1]
                if fn == 67:
                    qr_module = body[2]
                elif fn == 80:
                    qr_store = body[3:]
                elif fn == 81:
                    place(qr_image(qr_store.decode("utf-8"), qr_module))
                i += 5 + length
            elif cmd == 0x56:  # GS V m [n]: cut; the preview ends with the paper
                m = data[i + 2]
                i += 4 if m in (65, 66, 97, 98, 103, 104) else 3
                y += 4
            elif strict:
                raise UnknownCommand(f"GS 0x{cmd:02x} at byte {i}")
            else:
                i += 2
        elif b == 0x0A:
            y += LINE_DOTS
            i += 1
        elif strict:
            raise UnknownCommand(f"byte 0x{b:02x} at {i}")
        else:
            i += 1

    page = Image.new("1", (width, max(y, 1)), 1)
    for x, top, img in pieces:
        page.paste(img, (x, top))
    return page


def paper_png(data: bytes, width: int, path) -> None:
    """Write the preview of `data` as a PNG with a thin grey frame, like a slip on a table."""
    page = interpret(data, width).convert("L")
    framed = Image.new("L", (page.width + 2, page.height + 2), 160)
    framed.paste(page, (1, 1))
    framed.save(path, format="PNG", optimize=True)
