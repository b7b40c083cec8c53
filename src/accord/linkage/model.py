"""The linkage model: the Splink comparisons and blocking rules over the columns of
`features`, trained without labels, saved and loaded as Splink's own settings dictionary.

Comparisons (Fellegi-Sunter; each level's match weight is learnt, not set by hand):
- name: same characters; the same romanised spelling when one side is written in characters
  (term-frequency adjusted, so 张伟 = Zhang Wei weighs less than a rare name); a spelling
  shared in any system or order (Wade-Giles, Cantonese, reversed); a sound-alike fold; a
  Chinese transcription of a foreign name; typing errors by Jaro-Winkler;
- birth date: exact, one typo, day and month swapped, same year;
- resident ID (18 digits, legacy numbers converted): exact, one typo or swap of neighbours;
- passport: exact, one typo; phone: one number in common; gender.

Training: the prior from resident-ID agreement, u by random sampling, m by expectation
maximisation in two sessions blocked on different fields so that every comparison is trained
once without its own blocking field.
"""

from __future__ import annotations

import json
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

# Pairs at or above this match probability are linked (before the clustering's hard rules).
THRESHOLD = 0.8

ARRAY_NAME_KEYS = ("name_exact", "name_sound")


def _name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.And(cll.NullLevel("name_main"), cll.NullLevel("hanzi")),
            cll.ExactMatchLevel("hanzi", term_frequency_adjustments=True).configure(
                label_for_charts="same characters"
            ),
            cll.CustomLevel(
                "hanzi_l IS NOT NULL AND hanzi_r IS NOT NULL AND name_main_l = name_main_r",
                label_for_charts="same sound, other characters",
            ),
            cll.ExactMatchLevel("name_main", term_frequency_adjustments=True).configure(
                label_for_charts="same name across scripts"
            ),
            cll.ArrayIntersectLevel("name_exact", min_intersection=1).configure(
                label_for_charts="same spelling in another system or order"
            ),
            cll.ArrayIntersectLevel("name_sound", min_intersection=1).configure(
                label_for_charts="sounds alike"
            ),
            cll.CustomLevel(
                "name_skel_l = name_skel_r AND ((hanzi_l IS NULL) <> (hanzi_r IS NULL))",
                label_for_charts="transcription of a foreign name",
            ),
            # The closest pair of spellings, in any system and order (a typo in "WEI ZHANG").
            cll.PairwiseStringDistanceFunctionLevel("name_exact", "jaro_winkler", 0.92).configure(
                label_for_charts="one typing error"
            ),
            cll.PairwiseStringDistanceFunctionLevel("name_exact", "jaro_winkler", 0.85).configure(
                label_for_charts="similar"
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def _birth_date() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="same"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="one typo"),
            cll.CustomLevel(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
                " AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
                " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                label_for_charts="day and month swapped",
            ),
            cll.CustomLevel(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", label_for_charts="same year"
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def _identifier(column: str, output: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=output,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts="same"),
            cll.DamerauLevenshteinLevel(column, 1).configure(
                label_for_charts="one typo or swapped digits"
            ),
            cll.DamerauLevenshteinLevel(column, 2).configure(
                label_for_charts="two typos (one in each record)"
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def _phones() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phones"),
            cll.ArrayIntersectLevel("phones", min_intersection=1).configure(
                label_for_charts="a number in common"
            ),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def _gender() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="gender",
        comparison_levels=[
            cll.NullLevel("gender"),
            cll.ExactMatchLevel("gender").configure(label_for_charts="same"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def blocking_rules() -> list[BlockingRuleCreator | dict[str, Any]]:
    """Candidate pairs: every variant a true match may take shares at least one rule. Name keys
    are exploded (one row per spelling), so a name pairs with its readings in other scripts."""
    return [
        block_on("rid"),
        block_on("passport"),
        # A typo in the resident ID (region, year, month and day, or sequence) leaves one of
        # these whole: each is the number without one of its parts.
        block_on("substr(rid, 1, 14)"),
        block_on("substr(rid, 7, 12)"),
        block_on("substr(rid, 1, 10)", "substr(rid, 15, 4)"),
        block_on("substr(rid, 1, 6)", "substr(rid, 11, 8)"),
        # A name in any script and order, with the birth date, or its year, or its day and
        # month (a typo elsewhere in the date).
        block_on("name_exact", "dob", arrays_to_explode=["name_exact"]),
        block_on("name_exact", "substr(dob, 1, 4)", arrays_to_explode=["name_exact"]),
        block_on("name_exact", "substr(dob, 6, 5)", arrays_to_explode=["name_exact"]),
        block_on("name_sound", "substr(dob, 1, 4)", arrays_to_explode=["name_sound"]),
        block_on("phones", arrays_to_explode=["phones"]),
        block_on("dob", "substr(name_main, 1, 2)"),
        block_on("name_skel", "dob"),
        block_on("name_skel", "passport"),
    ]


def settings() -> SettingsCreator:
    """The untrained model."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name(),
            _birth_date(),
            _identifier("rid", "resident_id"),
            _identifier("passport", "passport"),
            _phones(),
            _gender(),
        ],
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["agency"],
        max_iterations=20,
        em_convergence=0.001,
    )


def training_blocks() -> list[BlockingRuleCreator]:
    """The expectation-maximisation sessions: blocked on the resident ID or the passport (they
    train names, dates and phones), and on the name with the birth date (the identifiers)."""
    return [
        block_on("rid"),
        # Foreigners have no resident ID: their passports train the transcription levels.
        block_on("passport"),
        block_on("hanzi", "dob"),
        block_on("name_main", "dob"),
    ]


_PARAMETERS = ("m_probability", "u_probability", "tf_minimum_u_value")


def for_dialect(saved: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The saved model for another engine: Splink writes its SQL in the dialect it trained on,
    so the comparisons are rebuilt in `dialect` and the learnt parameters (the prior, every
    level's m and u) copied over level by level."""
    if saved.get("sql_dialect") == dialect:
        return saved
    fresh = settings().create_settings_dict(sql_dialect_str=dialect)
    fresh["probability_two_random_records_match"] = saved["probability_two_random_records_match"]
    for new, old in zip(fresh["comparisons"], saved["comparisons"], strict=True):
        if new["output_column_name"] != old["output_column_name"]:
            raise ValueError("the saved model has other comparisons than this version's")
        levels = zip(new["comparison_levels"], old["comparison_levels"], strict=True)
        for new_level, old_level in levels:
            for key in _PARAMETERS:
                if key in old_level:
                    new_level[key] = old_level[key]
    return fresh


# Term frequencies need a population to count in: among a handful of records every name is
# "common", and the adjustment would take ten bits from a true match.
MIN_RECORDS_FOR_TERM_FREQUENCIES = 5_000


def without_term_frequencies(saved: dict[str, Any]) -> dict[str, Any]:
    """The model with its term-frequency adjustments off (small record sets)."""
    copy: dict[str, Any] = json.loads(json.dumps(saved))
    for comparison in copy["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return copy


def rescaled(saved: dict[str, Any], trained_on: int, records: int) -> dict[str, Any]:
    """The model for `records` records when it was trained on `trained_on`: the prior (the
    chance that two records drawn at random are one person) scales with 1/(n - 1), as each
    person's other records are lost among more or fewer strangers."""
    if trained_on <= 1 or records <= 1 or trained_on == records:
        return saved
    copy = dict(saved)
    prior = float(saved["probability_two_random_records_match"])
    copy["probability_two_random_records_match"] = min(
        0.5, prior * (trained_on - 1) / (records - 1)
    )
    return copy
