"""Rebuild assets/fonts/pictograms.ttf: the few Tabler Icons the kiosk draws, cut from the
@tabler/icons-webfont npm package (MIT) so the kiosk ships kilobytes, not its 3 MB font.

    cd /tmp && npm pack @tabler/icons-webfont && tar xzf tabler-icons-webfont-*.tgz
    .venv/bin/pip install fonttools
    .venv/bin/python scripts/pictograms.py /tmp/package

Which icons: PICTOGRAMS below (the kiosk's name -> the Tabler name). Adding one means adding it
here and running the script again; assets/fonts/pictograms.json maps names to code points.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what the kiosk shows -> Tabler icon (https://tabler.io/icons)
PICTOGRAMS = {
    "take_number": "ticket", "submit_dossier": "file-pencil", "lookup": "file-search",
    "help": "hand-stop", "language": "language", "listen": "volume", "large_text": "text-size",
    "volunteer": "id-badge-2", "back": "arrow-left", "home": "home", "search": "search",
    "print": "printer", "keyboard": "keyboard", "all_fields": "list-details",
    # queue fields and procedure groups
    "civil_status": "users", "birth": "baby-carriage", "certification": "rubber-stamp",
    "land": "home-2", "construction": "building-skyscraper", "social": "heart-handshake",
    "business": "building-store", "other": "dots-circle-horizontal", "document": "file-text",
    "calendar": "calendar-event",
}


def main(package: str) -> int:
    from fontTools import subset

    dist = Path(package) / "dist"
    css = (dist / "tabler-icons.css").read_text()
    points = {}
    for ours, theirs in PICTOGRAMS.items():
        m = re.search(r"\.ti-" + re.escape(theirs) + r':before\s*\{\s*content:\s*"\\([0-9a-f]+)"', css)
        if not m:
            print(f"no Tabler icon {theirs!r}", file=sys.stderr)
            return 1
        points[ours] = m.group(1)
    version = json.loads((Path(package) / "package.json").read_text())["version"]
    out = ROOT / "assets" / "fonts"
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]  # keep the font's own copyright and licence names
    font = subset.load_font(str(dist / "fonts" / "tabler-icons.ttf"), options)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[int(p, 16) for p in points.values()])
    sub.subset(font)
    subset.save_font(font, str(out / "pictograms.ttf"), options)
    (out / "pictograms.json").write_text(json.dumps(
        {"source": f"@tabler/icons-webfont {version} (MIT, LICENSE-Tabler-MIT.txt)", "tabler": PICTOGRAMS,
         "glyphs": points}, indent=2) + "\n")
    (out / "LICENSE-Tabler-MIT.txt").write_text((Path(package) / "LICENSE").read_text())
    print(f"{len(points)} pictograms, {(out / 'pictograms.ttf').stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"))
