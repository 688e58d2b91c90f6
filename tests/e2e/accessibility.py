"""axe-core (Deque's accessibility engine, bundled by the test-only package
``axe-playwright-python``) run on a page in headless Chromium, and its findings as text.

The engine is injected into the page by the test through the DevTools protocol
(``page.evaluate``); it is never served by the platform and never loaded from a CDN. See
docs/accessibility.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0 and 2.1, levels A and AA: the rules axe tags with these (docs/accessibility.md).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Impacts that fail the build; "moderate" and "minor" are reported, not failed.
FAILING = ("serious", "critical")


@dataclass(frozen=True)
class Allowed:
    """A finding outside our control: the rule, a CSS selector fragment the node's target must
    contain, and why it is allowed."""

    rule: str
    target: str
    reason: str


# Kept short on purpose: every entry needs a reason that is not "we did not fix it".
ALLOWED: tuple[Allowed, ...] = ()

_axe = Axe()


def audit(page, *, include_best_practice: bool = False) -> list[dict]:
    """Run axe on the page as it is now and return its violations (rule, impact, nodes), with
    the allowed nodes removed and rules left without nodes dropped."""
    tags = [*WCAG_TAGS, "best-practice"] if include_best_practice else WCAG_TAGS
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]},
    )
    violations = []
    for violation in results.response["violations"]:
        nodes = [node for node in violation["nodes"] if not _allowed(violation["id"], node)]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    return violations


def _allowed(rule: str, node: dict) -> bool:
    target = " ".join(str(part) for part in node["target"])
    return any(entry.rule == rule and entry.target in target for entry in ALLOWED)


def failing(violations: list[dict]) -> list[dict]:
    """The violations whose impact fails the build."""
    return [v for v in violations if v["impact"] in FAILING]


def describe(page_name: str, violations: list[dict]) -> str:
    """One line per violating node: page, rule id, impact, target selector, help URL."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(
                f"{page_name}: {violation['id']} ({violation['impact']}) {target} "
                f"— {violation['help']} {violation['helpUrl']}"
            )
    return "\n".join(lines)


# Everything a keyboard user must be able to reach with Tab.
_FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)

_KEYBOARD_SETUP = """() => {
    document.querySelectorAll('[data-a11y-reached]').forEach(e => e.removeAttribute('data-a11y-reached'));
    document.activeElement && document.activeElement.blur();
    window.scrollTo(0, 0);
    window.__a11yLast = null;
}"""

_KEYBOARD_STEP = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const style = getComputedStyle(e);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== 'none';
    const seen = e.hasAttribute('data-a11y-reached');
    // A date or time field takes one Tab per part (day, month, year): still the same stop.
    const again = e === window.__a11yLast;
    window.__a11yLast = e;
    e.setAttribute('data-a11y-reached', '');
    return {seen, again, ring, label: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + (e.name ? '[name=' + e.name + ']' : '') + ' ' + (e.textContent || e.value || '').trim().slice(0, 40)};
}"""

_KEYBOARD_REPORT = """(selector) => {
    const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'
        && !e.closest('[inert], [aria-hidden=true]') && !e.disabled && !e.closest('fieldset[disabled]')
        // Inside a closed <details> only its summary is shown.
        && !(e.closest('details:not([open])') && e.closest('details:not([open]) > summary') !== e);
    const controls = [...document.querySelectorAll(selector)].filter(shown);
    // A radio group is one tab stop: reached when any of its radios was.
    const reachedGroups = new Set(controls.filter(e => e.type === 'radio' && e.hasAttribute('data-a11y-reached')).map(e => e.form ? e.form.id + e.name : e.name));
    const missed = controls.filter(e => !e.hasAttribute('data-a11y-reached'))
        .filter(e => !(e.type === 'radio' && reachedGroups.has(e.form ? e.form.id + e.name : e.name)))
        .map(e => e.outerHTML.slice(0, 120));
    const positive = [...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).map(e => e.outerHTML.slice(0, 120));
    return {missed, positive, total: controls.length};
}"""


def keyboard(page, limit: int = 400) -> list[str]:
    """Tab through the page from the top: every visible control must be reached, each with a
    visible focus indicator (an outline or a ring), and no element may have a positive
    tabindex. Returns the problems found (empty when none)."""
    page.evaluate(_KEYBOARD_SETUP)
    problems = []
    outside = 0  # Tab past the last control leaves the document; the next comes back on top.
    for _ in range(limit):
        page.keyboard.press("Tab")
        step = page.evaluate(_KEYBOARD_STEP)
        if step is None:
            outside += 1
            if outside > 2:
                break
            continue
        if step["again"]:
            continue
        if step["seen"]:
            break
        if not step["ring"]:
            problems.append(f"no visible focus: {step['label']}")
    report = page.evaluate(_KEYBOARD_REPORT, _FOCUSABLE)
    problems += [f"not reachable with Tab: {html}" for html in report["missed"]]
    problems += [f"positive tabindex: {html}" for html in report["positive"]]
    return problems


def describe_all(found: dict[str, list[dict]]) -> str:
    """How many audits ran (page states: those not in the dark scheme), then every finding of
    every page, failing or not (for the log)."""
    states = sum(1 for name in found if not name.endswith("[dark]"))
    lines = [describe(name, violations) for name, violations in found.items() if violations]
    summary = f"axe: {len(found)} audits of {states} page states"
    return "\n".join([summary, *lines]) if lines else f"{summary}; no finding"
