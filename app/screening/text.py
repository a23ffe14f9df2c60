"""Text of a budget line as the model reads it: lower case, letters and digits, each word
stemmed by Sastrawi (Indonesian). Stemming one word costs about a millisecond, and a budget
repeats the same few thousand words, so stems are cached for the life of the process."""
import re
import threading

_WORD = re.compile(r"[0-9a-z]+")
_STEMS: dict[str, str] = {}
_LOCK = threading.Lock()
_stemmer = None
# Words that carry no meaning of their own: never shown as the reason for a suggestion.
STOPWORDS = frozenset(
    "bagi dan di ke dari untuk yang dalam pada serta atau oleh dengan kepada melalui tingkat "
    "daerah kabupaten kota kab lainnya lain secara antar the".split())
MAX_FIELD = 400  # characters of a field the model reads; a longer name adds nothing


def _stem(word: str) -> str:
    global _stemmer
    stem = _STEMS.get(word)
    if stem is not None:
        return stem
    with _LOCK:
        if _stemmer is None:
            from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

            _stemmer = StemmerFactory().create_stemmer()
            # Sastrawi 1.0.1 keeps its 30,000-word dictionary in a list (a linear scan per
            # lookup, ~0.1 s a word here); a set gives the same answers in constant time.
            dictionary = _stemmer.delegatedStemmer.dictionary
            dictionary.words = set(dictionary.words)
        stem = _stemmer.stem(word) if len(word) > 3 and not word.isdigit() else word
        if len(_STEMS) < 200_000:  # bounded: hostile input cannot grow it without limit
            _STEMS[word] = stem or word
    return stem or word


def words(text: str) -> list[str]:
    return _WORD.findall((text or "")[:MAX_FIELD].lower())


def stems(text: str) -> list[str]:
    return [_stem(w) for w in words(text)]


def document(item: dict) -> str:
    """The name counts twice: it says most about a line; program, kegiatan and OPD add context."""
    name = " ".join(stems(item.get("name", "")))
    context = " ".join(stems(" ".join(item.get(k) or "" for k in
                                      ("activity", "program", "opd_name"))))
    return f"{name} || {name} {context}"
