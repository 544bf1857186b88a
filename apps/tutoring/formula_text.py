"""LaTeX formulas as ReportLab paragraph markup: Unicode symbols with <super>/<sub>, every literal escaped.

What cannot be read as LaTeX (unbalanced braces, a missing argument) comes back as its escaped source, so a
formula never breaks the document and never injects markup into it.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

SYMBOLS = {
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "equiv": "≡", "sim": "∼", "propto": "∝", "infty": "∞", "circ": "°",
    "degree": "°", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "implies": "⇒",
    "Leftrightarrow": "⇔", "iff": "⇔", "angle": "∠", "perp": "⊥", "parallel": "∥", "in": "∈", "notin": "∉",
    "subset": "⊂", "cup": "∪", "cap": "∩", "emptyset": "∅", "forall": "∀", "exists": "∃", "sum": "∑", "prod": "∏",
    "int": "∫", "partial": "∂", "nabla": "∇", "ldots": "…", "cdots": "⋯", "dots": "…", "prime": "′",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "quad": "  ", "qquad": "    ", "left": "",
    "right": "", "displaystyle": "", "limits": "", "mathbb": "", "%": "%", "sin": "sin", "cos": "cos",
    "tan": "tan", "log": "log", "ln": "ln", "lg": "lg", "exp": "exp", "lim": "lim", "max": "max", "min": "min",
}  # fmt: skip
ESCAPED = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "{": "{", "}": "}", "%": "%", "$": "$", "&": "&",
           "_": "_", "#": "#", "\\": "; "}  # fmt: skip
TEXT_ARG = {"text", "mathrm", "mathbf", "mathit", "textbf", "textit", "operatorname", "mathsf", "mbox", "bar",
            "overline", "underline", "hat", "widehat", "tilde", "boldsymbol", "mathcal", "unit"}  # fmt: skip
FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}


def _grouped(markup: str) -> str:
    """Parentheses around a fraction's part unless it is one number or name."""
    return markup if re.fullmatch(r"[\w.]+", markup) else f"({markup})"


class Malformed(ValueError):
    pass


class _Reader:
    def __init__(self, tex: str) -> None:
        self.tex = tex
        self.pos = 0

    def peek(self) -> str:
        return self.tex[self.pos] if self.pos < len(self.tex) else ""

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise Malformed("unexpected end")
        self.pos += 1
        return char

    def sequence(self, closing: str = "") -> str:
        out = []
        while True:
            char = self.peek()
            if not char:
                if closing:
                    raise Malformed("a group is not closed")
                return "".join(out)
            if char == "}":
                if closing != "}":
                    raise Malformed("a brace closes nothing")
                self.pos += 1
                return "".join(out)
            out.append(self.token())

    def token(self) -> str:
        char = self.take()
        if char == "{":
            return self.sequence("}")
        if char == "\\":
            return self.command()
        if char in "^_":
            tag = "super" if char == "^" else "sub"
            return f"<{tag}>{self.argument()}</{tag}>"
        if char == "&":
            return " "
        if char == "~":
            return " "
        return escape(char)

    def argument(self) -> str:
        while self.peek() == " ":
            self.pos += 1
        if self.peek() in ("", "}"):
            raise Malformed("a command misses its argument")
        return self.token()

    def name(self) -> str:
        start = self.pos
        while self.peek().isalpha():
            self.pos += 1
        return self.tex[start : self.pos]

    def command(self) -> str:
        name = self.name()
        if not name:
            return escape(ESCAPED.get(self.take(), ""))
        if name in FRACTIONS:
            top, bottom = self.argument(), self.argument()
            return f"{_grouped(top)}/{_grouped(bottom)}"
        if name == "sqrt":
            index = self.optional()
            return f"{f'<super>{index}</super>' if index else ''}√({self.argument()})"
        if name == "vec":
            return f"{self.argument()}<super>→</super>"
        if name in TEXT_ARG:
            return self.argument()
        if name in ("begin", "end"):
            self.argument()  # the environment's name
            return ""
        if name in SYMBOLS:
            return escape(SYMBOLS[name])
        return escape(f"\\{name}")  # unknown: shown as written

    def optional(self) -> str:
        if self.peek() != "[":
            return ""
        self.pos += 1
        out = []
        while self.peek() != "]":
            if not self.peek():
                raise Malformed("an optional argument is not closed")
            out.append(self.token())
        self.pos += 1
        return "".join(out)


def formula_markup(tex: str) -> str:
    """ReportLab markup for a LaTeX formula, or its escaped source when it cannot be read."""
    try:
        return _Reader(tex).sequence()
    except Malformed:
        return escape(tex)
