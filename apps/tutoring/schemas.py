"""The two tutoring tasks: read a student's handwritten work, then explain its first mistake at their level.

Both answers are bounded JSON (every string has a maxLength, every array a maxItems), so a run always ends with a
value the code can check: step numbers against the number of steps, boxes against the 0-1000 page scale.
"""

from __future__ import annotations

from typing import Any

from inference.prompts import TaskTemplate, register_template
from inference.protocol import Sampling

TRANSCRIBE_TASK = "homework_transcribe"
EXPLAIN_TASK = "homework_explain"

MAX_PAGES = 4  # the engine's default images-per-prompt limit
MAX_STEPS = 20
MAX_CORRECT_STEPS = 8

MISTAKE_TYPES = [
    "none",
    "arithmetic",
    "sign",
    "algebra",
    "fractions",
    "units",
    "formula",
    "concept",
    "reading the question",
    "copying",
    "incomplete",
    "other",
]

_BOX = {
    "type": "array",
    "items": {"type": "integer", "minimum": 0, "maximum": 1000},
    "minItems": 4,
    "maxItems": 4,
}

TRANSCRIPTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "exercise": {"type": "string", "maxLength": 400},
        "exercise_latex": {"type": "string", "maxLength": 300},
        "steps": {
            "type": "array",
            "maxItems": MAX_STEPS,
            "items": {
                "type": "object",
                "properties": {
                    "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGES},
                    "text": {"type": "string", "maxLength": 200},
                    "latex": {"type": "string", "maxLength": 200},
                    "crossed_out": {"type": "boolean"},
                    "bbox_2d": _BOX,
                },
                "required": ["page", "text", "latex", "crossed_out", "bbox_2d"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["exercise", "exercise_latex", "steps"],
    "additionalProperties": False,
}

EXPLANATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "problem_restated": {"type": "string", "maxLength": 400},
        "first_wrong_step": {"type": "integer", "minimum": 0, "maximum": MAX_STEPS},
        "why_wrong": {"type": "string", "maxLength": 500},
        "mistake_type": {"enum": MISTAKE_TYPES},
        "correct_steps": {
            "type": "array",
            "maxItems": MAX_CORRECT_STEPS,
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string", "maxLength": 200},
                    "latex": {"type": "string", "maxLength": 200},
                },
                "required": ["text", "latex"],
                "additionalProperties": False,
            },
        },
        "explanation": {"type": "string", "maxLength": 1000},
        "read_aloud": {"type": "string", "maxLength": 500},
    },
    "required": [
        "problem_restated",
        "first_wrong_step",
        "why_wrong",
        "mistake_type",
        "correct_steps",
        "explanation",
        "read_aloud",
    ],
    "additionalProperties": False,
}

TRANSCRIBE = register_template(
    TaskTemplate(
        name=TRANSCRIBE_TASK,
        title="Read handwritten homework",
        version=1,
        system=(
            "You transcribe photos of students' handwritten homework (mathematics and physics) exactly as written. "
            "Never correct the student: copy mistakes as they are. Give the exercise as stated on the page "
            "(exercise, and its formulas in LaTeX in exercise_latex). Then list the student's work in reading "
            "order, one step per written line or equation: page is the 1-based page number, text is the line in "
            "words and symbols, latex is its formula in LaTeX without $ delimiters (empty when there is none), "
            "crossed_out is true when the student struck the line through, and bbox_2d is [x1, y1, x2, y2] around "
            "the line on a 0-1000 scale of that page."
        ),
        user=(
            "Subject: {subject}. Grade level: {grade_level}. Pages: {page_count}.\n"
            "Teacher's note: {teacher_note}\n"
            "Transcribe the exercise and the student's work."
        ),
        max_tokens=3000,
        image_tokens=1024,  # handwriting needs detail; the engine caps each image at about this size
        schema=TRANSCRIPTION_SCHEMA,
        sampling=Sampling(temperature=0.2, top_p=0.8, top_k=20, presence_penalty=0.0),
    )
)

EXPLAIN = register_template(
    TaskTemplate(
        name=EXPLAIN_TASK,
        title="Explain the homework",
        version=1,
        system=(
            "You are a patient tutor. You receive the transcription of a student's homework (and small photos of "
            "the pages). Restate the problem in problem_restated. Find the first step where the student went "
            "wrong: first_wrong_step is its number from the list (0 when every step is correct), why_wrong says "
            "why in one or two sentences, mistake_type classifies it. Crossed-out steps are not part of the "
            "answer. Then give the correct solution as correct_steps (text, and the formula in LaTeX without $ "
            "delimiters). explanation speaks to the student at their grade level, kindly and concretely. "
            "read_aloud is a short script a teacher can read aloud, without LaTeX or symbols. Write every text in "
            "the language asked for."
        ),
        user=(
            "Subject: {subject}. Student's grade level: {grade_level}. Write in {language_name}.\n"
            "Teacher's note: {teacher_note}\n"
            "Exercise: {exercise}\n"
            "Student's steps:\n{steps}"
        ),
        max_tokens=3000,
        image_tokens=256,  # a small look at the page; the transcription carries the detail
        schema=EXPLANATION_SCHEMA,
    )
)
