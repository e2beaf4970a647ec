"""Presidio's lemma context enhancer, made linear for long or hostile messages.

The stock enhancer deep-copies every result and scans lists for each one, which takes seconds on a message
holding thousands of number-like matches. This one keeps Presidio's rule (a context word among the few
keywords before or after a match adds `context_similarity_factor`), looks only at results still under the
threshold, and does constant work per result.
"""

from __future__ import annotations

from bisect import bisect_right

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

# However sparse the keywords, look at most this many tokens away.
MAX_TOKEN_DISTANCE = 12


class LinearContextEnhancer(LemmaContextAwareEnhancer):
    def __init__(self, score_threshold: float, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.score_threshold = score_threshold

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or not nlp_artifacts.tokens:
            return raw_results
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        keywords = set(nlp_artifacts.keywords)
        lemmas = [lemma.lower() for lemma in nlp_artifacts.lemmas]
        is_keyword = [lemma in keywords for lemma in lemmas]
        starts = nlp_artifacts.tokens_indices
        extra = [word.lower() for word in context or []]
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if (
                result.score >= self.score_threshold
                or recognizer is None
                or not recognizer.context
                or metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY)
            ):
                continue
            index = max(bisect_right(starts, result.start) - 1, 0)
            words = self._collect(lemmas, is_keyword, index, self.context_prefix_count, -1)
            words += self._collect(lemmas, is_keyword, index, self.context_suffix_count, 1)
            supportive = self._find_supportive_word_in_context(
                words + extra, recognizer.context, self.context_matching_mode
            )
            if supportive:
                result.score = min(
                    max(
                        result.score + self.context_similarity_factor, self.min_score_with_context_similarity
                    ),
                    EntityRecognizer.MAX_SCORE,
                )
                if result.analysis_explanation:
                    result.analysis_explanation.set_supportive_context_word(supportive)
                    result.analysis_explanation.set_improved_score(result.score)
        return raw_results

    @staticmethod
    def _collect(lemmas: list[str], is_keyword: list[bool], index: int, count: int, step: int) -> list[str]:
        # Like Presidio: the match's own token counts, so "mrn:123" still sees "mrn".
        words: list[str] = []
        position = index
        while (
            0 <= position < len(lemmas)
            and len(words) <= count
            and abs(position - index) <= MAX_TOKEN_DISTANCE
        ):
            if is_keyword[position]:
                words.append(lemmas[position])
            position += step
        return words
