from pathlib import Path

BUILT_IN_PACKS = Path(__file__).resolve().parent.parent.parent / "jurisdictions"


def resolve_pack_folder(name_or_path: str) -> Path:
    """``az`` names a built-in pack; anything else is a folder path."""
    built_in = BUILT_IN_PACKS / name_or_path
    if "/" not in name_or_path and built_in.is_dir():
        return built_in
    return Path(name_or_path)
