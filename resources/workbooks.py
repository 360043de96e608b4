"""Holiday workbooks (*cahiers de vacances*): the exercise data the browser needs, and grading.

The browser grades as the child answers (resources/static/resources/workbook.js) for immediate
feedback; the server grades again with the same rules before keeping a parent's progress, so a
stored score never comes from the client. Answers are keyed by exercise (block) id:

- multiple choice: list of chosen choice indexes; 1 point when the set equals the correct set;
- fill in the blanks: list of strings, one per blank; 1 point per blank (case, accents and spaces ignored);
- matching pairs: for each item, the index of the pair whose right side was chosen; 1 point per pair;
- put in order: list of item indexes in the order given; 1 point when the whole order is right.
"""

from __future__ import annotations

from search.french import fold

from .blocks import BLANK_RE

EXERCISE_TYPES = ("multiple_choice", "fill_blanks", "matching", "ordering")


def _normalise_answer(text) -> str:
    return " ".join(fold(str(text or "")).replace("’", "'").split())


def parse_blanks(text: str) -> list:
    """ "Le chat [mange|dévore] la souris." → ["Le chat ", ["mange", "dévore"], " la souris."] """
    parts, position = [], 0
    for match in BLANK_RE.finditer(text):
        parts.append(text[position:match.start()])
        parts.append([alt.strip() for alt in match.group(1).split("|") if alt.strip()])
        position = match.end()
    parts.append(text[position:])
    return parts


def exercise_spec(block) -> dict | None:
    """The data one exercise needs in the browser (solutions included: a workbook is not an exam)."""
    value, kind = block.value, block.block_type
    if kind not in EXERCISE_TYPES:
        return None
    spec = {"id": block.id, "type": kind, "correction": value.get("correction", "")}
    if kind == "multiple_choice":
        spec["question"] = value["question"]
        spec["choices"] = [choice["text"] for choice in value["choices"]]
        spec["solution"] = [i for i, choice in enumerate(value["choices"]) if choice["correct"]]
        spec["max"] = 1
    elif kind == "fill_blanks":
        spec["instructions"] = value["instructions"]
        parts = parse_blanks(value["text"])
        spec["segments"] = [{"blank": isinstance(part, list), "text": "" if isinstance(part, list) else part} for part in parts]
        spec["solution"] = [part for part in parts if isinstance(part, list)]
        spec["max"] = len(spec["solution"])
    elif kind == "matching":
        spec["instructions"] = value["instructions"]
        spec["left"] = [pair["left"] for pair in value["pairs"]]
        spec["right"] = [pair["right"] for pair in value["pairs"]]
        spec["solution"] = list(range(len(value["pairs"])))
        spec["max"] = len(value["pairs"])
        # Options listed alphabetically, so the answer is not given by the order.
        spec["right_order"] = sorted(range(len(spec["right"])), key=lambda i: fold(spec["right"][i]))
    else:  # ordering
        spec["instructions"] = value["instructions"]
        spec["items"] = list(value["items"])
        spec["solution"] = list(range(len(value["items"])))
        spec["max"] = 1
        # Shown rotated by one: never already in order, the same on every visit.
        n = len(spec["items"])
        spec["display_order"] = [(i + 1) % n for i in range(n)]
    return spec


def _as_int_list(answer):
    if not isinstance(answer, list):
        return []
    result = []
    for item in answer:
        try:
            result.append(int(item))
        except (TypeError, ValueError):
            result.append(-1)
    return result


def grade_exercise(spec: dict, answer) -> dict:
    kind, solution = spec["type"], spec["solution"]
    if kind == "multiple_choice":
        score = int(sorted(set(_as_int_list(answer))) == sorted(solution))
        expected = [spec["choices"][i] for i in solution]
    elif kind == "fill_blanks":
        given = answer if isinstance(answer, list) else []
        score = sum(
            1 for i, accepted in enumerate(solution)
            if i < len(given) and _normalise_answer(given[i]) in {_normalise_answer(a) for a in accepted}
        )
        expected = [accepted[0] for accepted in solution]
    elif kind == "matching":
        given = _as_int_list(answer)
        score = sum(1 for i, right in enumerate(solution) if i < len(given) and given[i] == right)
        expected = [f"{left} → {right}" for left, right in zip(spec["left"], spec["right"], strict=True)]
    else:
        score = int(_as_int_list(answer) == solution)
        expected = list(spec["items"])
    return {"id": spec["id"], "type": kind, "score": score, "max": spec["max"], "correct": score == spec["max"],
            "expected": expected, "correction": spec["correction"]}


def grade(specs: list[dict], answers: dict) -> dict:
    """Grade all exercises; unanswered exercises score 0."""
    answers = answers if isinstance(answers, dict) else {}
    results = [grade_exercise(spec, answers.get(spec["id"])) for spec in specs]
    return {"score": sum(r["score"] for r in results), "max": sum(r["max"] for r in results), "exercises": results}
