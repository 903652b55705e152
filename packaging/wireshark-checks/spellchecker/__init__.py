"""A stand-in for pyspellchecker's SpellChecker, for Wireshark's tools/check_spelling.py.

pyspellchecker is not packaged in Debian 12, so packaging/wireshark-checks.sh puts this module
first on PYTHONPATH. It offers what check_spelling.py calls (SpellChecker(), word_frequency.
load_text_file / load_words, known, unknown, correction) over a system word list, by default
/usr/share/dict/american-english-large (Debian package wamerican-large), plus the words that
check_spelling.py loads (Wireshark's tools/wireshark_words.txt) and those of TCPCONN_SPELL_EXTRA. Words compare case-insensitively,
as in pyspellchecker. Its dictionary is not pyspellchecker's, so it may flag other words.
"""
import os

WORD_LIST = os.environ.get("TCPCONN_SPELL_WORDS", "/usr/share/dict/american-english-large")
EXTRA = os.environ.get("TCPCONN_SPELL_EXTRA", "")  # more accepted words, one a line ('#': comment)


class _WordFrequency:
    def __init__(self, words):
        self.words = words

    def load_text_file(self, path, encoding="utf-8", tokenizer=None):
        with open(path, encoding=encoding, errors="replace") as f:
            self.load_words(f.read().split())

    def load_words(self, words):
        self.words.update(w.lower() for w in words)


class SpellChecker:
    def __init__(self, language="en", **_):
        words = set()
        with open(WORD_LIST, encoding="utf-8", errors="replace") as f:
            for line in f:
                w = line.strip()
                if w.endswith("'s"):
                    w = w[:-2]
                if w:
                    words.add(w.lower())
        if EXTRA:
            with open(EXTRA, encoding="utf-8") as f:
                words.update(w.strip().lower() for w in f if w.strip() and not w.startswith("#"))
        self.word_frequency = _WordFrequency(words)

    def known(self, words):
        return {w for w in words if w.lower() in self.word_frequency.words}

    def unknown(self, words):
        return {w for w in words if w.lower() not in self.word_frequency.words}

    def correction(self, word):
        return word
