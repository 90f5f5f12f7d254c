"""The farm's two forms of a list answer, shared by list-members.py and list-variants.py: numbered ("Here are 3 fruits:\n1.
cherry\n2. melon") and a sentence ("Some fruits are plum, lemon and mango.")."""
import json
import re

NUMBERED = re.compile(r"^Here are \d+ ([\w ]+?):\n((?:\d+\. .+\n?)+)$")
SENTENCE = re.compile(r"^Some ([\w ]+?) are (.+)\.$")


def parse(output):
    """(kind, members, render) of a list answer, where render(members) writes the answer again; None if not a list."""
    text = output.strip()
    numbered = NUMBERED.match(text)
    if numbered:
        head = text.split("\n", 1)[0]
        members = [m.split(". ", 1)[1].strip() for m in numbered.group(2).strip().split("\n")]
        return numbered.group(1), members, lambda ms: head + "\n" + "\n".join(f"{i}. {m}" for i, m in enumerate(ms, 1))
    sentence = SENTENCE.match(text)
    if sentence:
        members = re.split(r", | and ", sentence.group(2))
        kind = sentence.group(1)
        return kind, members, lambda ms: f"Some {kind} are {', '.join(ms[:-1])} and {ms[-1]}." if len(ms) > 1 else f"Some {kind} are {ms[0]}."
    return None


def load(path):
    """An AlpacaEval-format outputs file's rows."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)
