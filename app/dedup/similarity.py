"""How alike two reports' texts are. Chinese is not written with spaces, so words are not
at hand: overlapping character pairs (bigrams) are, and they match across phrasings that
share the nouns that matter ("路灯", "不亮", the road's name)."""

import operator
import re
import unicodedata
from functools import lru_cache

from app.dedup.places import Gazetteer, address_keys, keys_text, place_keys
from app.dedup.words import Segmenter, Vocabulary

# Punctuation, spaces, digits and Latin letters carry little of what a report is about
# (and phone numbers or house numbers would make unrelated texts look alike).
_NOISE = re.compile(r"[\W\d_a-zA-Z]+")
# Words every report uses, whatever its problem.
_STOP = (
    "你好",
    "您好",
    "请问",
    "反映",
    "投诉",
    "市民",
    "来电",
    "希望",
    "尽快",
    "处理",
    "解决",
    "问题",
    "一下",
    "相关",
    "部门",
    "情况",
    "现在",
    "已经",
    "非常",
    "我们",
    "这个",
    "那个",
    "有人",
    "师傅",
)


_STOP_WORDS = re.compile("|".join(_STOP))


def normalised(text: str) -> str:
    """`text` without what carries little of what a report is about."""
    # Without punctuation most text is normal already, and checking is several times
    # cheaper than normalising (full-width letters are what is left to fold).
    text = _NOISE.sub("", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _NOISE.sub("", unicodedata.normalize("NFKC", text))
    return _STOP_WORDS.sub("", text)


def text_for_matching(title: str, description: str) -> str:
    """What a ticket's texts are compared on, normalised: worked out once, at intake, and
    kept on the ticket (`match_text`), so a search does not redo it for every row it reads.
    A change to `normalised` needs a migration that works it out again for every ticket."""
    # A title cut from the start of the description (as intake makes one) adds nothing.
    text = description if description.startswith(title) else f"{title} {description}"
    return normalised(text)


@lru_cache(maxsize=4096)
def pairs(clean: str) -> frozenset[str]:
    """The character pairs of a normalised text; a one-character text is its own."""
    if len(clean) < 2:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(map(operator.add, clean, clean[1:]))  # each character and the next


def overlap(first: frozenset[str], second: frozenset[str]) -> float:
    """Overlap coefficient: shared pairs over the shorter text's pairs, so a terse photo
    caption matches the long call summary it is a part of."""
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def similarity(first: str, second: str) -> float:
    """0 (nothing in common) to 1 (the shorter says nothing the longer does not)."""
    return overlap(pairs(normalised(first)), pairs(normalised(second)))


def keys_for_matching(
    title: str,
    description: str,
    address: str | None,
    gazetteer: Gazetteer,
    vocabulary: Vocabulary,
    segmenter: Segmenter | None = None,
) -> str:
    """The places, problem words and words a ticket names, as kept on it (`match_keys`):
    worked out once at intake, as `match_text` is."""
    text = description if description.startswith(title) else f"{title} {description}"
    keys = place_keys(text, gazetteer) | address_keys(address or "", gazetteer)
    text = unicodedata.normalize("NFKC", text)
    concepts = vocabulary.concepts(text)
    words = segmenter.words(text) - gazetteer.by_name.keys() if segmenter else frozenset()
    return keys_text(
        keys | {f"K:{concept}" for concept in concepts} | {f"W:{word}" for word in words}
    )
