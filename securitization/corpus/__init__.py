"""Speech and press corpora to I-3 measures, with a trail to every sentence.

Bourbeau measured the saliency of the migration-security link (indicator I-3) by analysing
discourse. This subpackage measures it from a corpus of speeches or press conferences:
sentence-level co-occurrence of a migration term with a security term, after the validated
security-frame dictionary of Lind et al. (2021), with lexicons of our own in English and
Spanish (data files, versioned, editable), summed per case and per calendar year, with
intervals by resampling documents and the logit scale of Lowe et al. (2011).

References
----------
Lind, F., Heidenreich, T., Kralj, C., & Boomgaarden, H. G. (2021). Greasing the wheels for
comparative communication research: Supervised text classification for multilingual
corpora. *Computational Communication Research*, 3(3).
https://doi.org/10.5117/CCR2021.3.001.LIND

Lowe, W., Benoit, K., Mikhaylov, S., & Laver, M. (2011). Scaling policy preferences from
coded political texts. *Legislative Studies Quarterly*, 36(1), 123-155.
https://doi.org/10.1111/j.1939-9162.2010.00006.x

The trail
---------
Every migration sentence of every document used is written to a trail beside the measures
(the sentence, the sentences before and after it, the document's id, date, speaker, title,
source and url). :func:`sentences_for` gives the sentences behind one row of the measures
table, checked against the row (the trail's hash and the counts of migration and
security-framed sentences), ready for ``explain()`` to list.

Beyond one machine
------------------
The kernel, :func:`score_text` (one document's text and a compiled lexicon in, counts and
migration sentences out), is pure and per document; everything after it is a sum. Here a
process pool maps it over batches of documents (:mod:`.pipeline`: each worker reads,
hashes, scores and places its documents and formats their trail rows; the main process only
writes). On Spark, broadcast ``Lexicon.spec()`` (a plain dict) and the cases table (a few
rows), build the :class:`Matcher` once per partition in ``mapPartitions``, emit the
document rows of :data:`.pipeline.DOCUMENT_COLUMNS` and the trail rows as a second output,
and ``groupBy(case, year).sum()``; on Dask, the same with
``dask.bag.from_sequence(paths).map_partitions(...)`` and a ``foldby``. The bootstrap needs
only the per-document counts (three integers a document), which fit on the driver for
corpora of millions of documents.

Examples
--------
>>> from securitization.corpus import load_lexicon
>>> load_lexicon("es").language
'es'
"""

from __future__ import annotations

from .kernel import DocumentScore, Matcher, SentenceHit, compile_matcher, score_text
from .lexicon import BUNDLED_LEXICONS, Lexicon, load_lexicon
from .measures import DEFAULT_SEED, METHOD_VERSION, CorpusMeasures, measure_corpus, trail_path_for
from .readers import LAYOUTS, METADATA_COLUMNS, DocProblem, DocRef, detect_layout, iter_documents
from .trail import TRAIL_COLUMNS, MeasureTrail, filter_trail, is_corpus_measure, read_trail, sentences_for

__all__ = [
    "BUNDLED_LEXICONS",
    "DEFAULT_SEED",
    "LAYOUTS",
    "METADATA_COLUMNS",
    "METHOD_VERSION",
    "TRAIL_COLUMNS",
    "CorpusMeasures",
    "DocProblem",
    "DocRef",
    "DocumentScore",
    "Lexicon",
    "Matcher",
    "MeasureTrail",
    "SentenceHit",
    "compile_matcher",
    "detect_layout",
    "filter_trail",
    "is_corpus_measure",
    "iter_documents",
    "load_lexicon",
    "measure_corpus",
    "read_trail",
    "score_text",
    "sentences_for",
    "trail_path_for",
]
