"""Bilingual text: every user-facing string exists in zh and en."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


@dataclass(frozen=True)
class Text:
    """A string in both languages.

    >>> Text("沈园", "Shen Garden").get("en")
    'Shen Garden'
    >>> Text.from_json({"zh": "沈园", "en": "Shen Garden"})
    Text(zh='沈园', en='Shen Garden')
    """

    zh: str
    en: str

    def __post_init__(self) -> None:
        for lang in LANGS:
            value = getattr(self, lang)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"text is missing its {lang!r} version")

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def to_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        if not isinstance(data, Mapping):
            raise ValueError("text must be an object with 'zh' and 'en'")
        return cls(zh=data.get("zh", ""), en=data.get("en", ""))

    def format(self, **kwargs: Any) -> Text:
        return Text(self.zh.format(**kwargs), self.en.format(**kwargs))
