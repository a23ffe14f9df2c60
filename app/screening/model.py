"""The trained suggester: TF-IDF over stemmed words (1-2 grams) and character n-grams (3-5,
within words), three calibrated linear classifiers (relevant or not; strategy 1/2/3; kelompok),
and a word-level linear model whose weights name the words behind a suggestion.

Deterministic: fixed folds (no shuffling), liblinear's dual solver (LinearSVC: a tenth of the
time logistic regression took here), no random state left open.
Training reads only the rows given (shipped reference, local decisions and tags, the province
consensus); nothing is downloaded.
"""
from dataclasses import dataclass, field

from .text import STOPWORDS, document, stems, words

# numpy and scikit-learn are imported where a model is trained (a stored model brings them in
# when it is unpickled): importing them costs every process ~0.8 s of CPU at start (each web
# worker, job worker, CLI command and test process), and most never train or suggest.

KINDS = ("langsung", "tidak_langsung", "penunjang")


@dataclass
class TrainRow:
    item: dict  # name, program, activity, opd_name
    relevant: bool
    strategy: int | None = None
    kind: str | None = None
    weight: float = 1.0


@dataclass
class Prediction:
    relevance: float
    strategy: dict[int, float]
    kind: dict[str, float]
    words: list[str] = field(default_factory=list)


def name_part(doc: str) -> str:
    """Character n-grams read the name only: the context is long and repeats across a program,
    and counting its n-grams was most of the time a prediction took."""
    return doc.split(" || ", 1)[0]


def _calibrated(estimator, y):
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold

    smallest = int(min(np.unique(y, return_counts=True)[1]))
    folds = max(2, min(3, smallest))
    return CalibratedClassifierCV(estimator, method="sigmoid",
                                  cv=StratifiedKFold(n_splits=folds, shuffle=False))


class TrainedModel:
    def __init__(self, rows: list[TrainRow], fingerprint: str = ""):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC

        self.fingerprint = fingerprint
        self.trained_rows = len(rows)
        docs = [document(r.item) for r in rows]
        weights = np.array([r.weight for r in rows], dtype=float)
        self.vectorizer = FeatureUnion([
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     token_pattern=r"[0-9a-z]+")),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     min_df=2, max_features=30_000, preprocessor=name_part)),
        ])
        x = self.vectorizer.fit_transform(docs)
        y_rel = np.array([1 if r.relevant else 0 for r in rows])
        self.relevance = _calibrated(LinearSVC(C=0.5, class_weight="balanced"), y_rel)
        self.relevance.fit(x, y_rel, sample_weight=weights)

        pos = [i for i, r in enumerate(rows) if r.relevant and r.strategy in (1, 2, 3)]
        self.strategy = _calibrated(LinearSVC(C=0.7, class_weight="balanced"),
                                    np.array([rows[i].strategy for i in pos]))
        self.strategy.fit(x[pos], [rows[i].strategy for i in pos], sample_weight=weights[pos])
        posk = [i for i, r in enumerate(rows) if r.relevant and r.kind in KINDS]
        self.kind = _calibrated(LinearSVC(C=0.7, class_weight="balanced"),
                                np.array([rows[i].kind for i in posk]))
        self.kind.fit(x[posk], [rows[i].kind for i in posk], sample_weight=weights[posk])

        # Words behind a suggestion: a unigram model over the stems, read by its weights.
        self.word_vec = TfidfVectorizer(analyzer="word", token_pattern=r"[0-9a-z]+",
                                        sublinear_tf=True)
        xw = self.word_vec.fit_transform([" ".join(stems(r.item.get("name", ""))) for r in rows])
        explain = LinearSVC(C=0.5, class_weight="balanced")
        explain.fit(xw, y_rel, sample_weight=weights)
        vocab = self.word_vec.vocabulary_
        coef = explain.coef_[0]
        self.word_weight = {w: float(coef[i]) for w, i in vocab.items()}

    def predict(self, items: list[dict]) -> list[Prediction]:
        if not items:
            return []
        x = self.vectorizer.transform([document(i) for i in items])
        rel = self.relevance.predict_proba(x)[:, list(self.relevance.classes_).index(1)]
        strat = self.strategy.predict_proba(x)
        kind = self.kind.predict_proba(x)
        s_classes = [int(c) for c in self.strategy.classes_]
        k_classes = [str(c) for c in self.kind.classes_]
        out = []
        for n, item in enumerate(items):
            out.append(Prediction(
                relevance=float(rel[n]),
                strategy={c: float(strat[n][j]) for j, c in enumerate(s_classes)},
                kind={c: float(kind[n][j]) for j, c in enumerate(k_classes)},
                words=self.indicative_words(item.get("name", ""))))
        return out

    def indicative_words(self, name: str, limit: int = 3) -> list[str]:
        """The words of the name that weigh most towards 'relevant', as the user wrote them."""
        scored = {}
        for word in words(name):
            if word in STOPWORDS or len(word) < 3:
                continue
            stem = stems(word)[0]
            weight = self.word_weight.get(stem, 0.0)
            if weight > 0.5 and word not in scored:
                scored[word] = weight
        return [w for w, _ in sorted(scored.items(), key=lambda kv: -kv[1])[:limit]]
