"""Where the top-level folders are (templates/, static/, migrations/, instance/ beside portal/)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
MIGRATIONS = ROOT / "migrations"
INSTANCE = ROOT / "instance"
TRANSLATIONS = ROOT / "portal" / "translations"
FONTS = ROOT / "portal" / "data" / "fonts"
