"""axe-core in the browser tests: audit the page a Playwright tab shows (RGAA / WCAG 2.1 AA, automated part).

axe-core comes from the npm registry, pinned in package-lock.json (`make axe` installs it into node_modules/).
The script is evaluated in the page through the DevTools protocol, which the site's Content-Security-Policy
does not govern; were it ever refused, the test browser context (never the app) would be opened with
`bypass_csp=True`. Without axe-core the audit is skipped, or fails in CI (`PREAU_REQUIRE_BROWSER=1`).
"""

from pathlib import Path

import pytest

from ent_pages.accessibility import AXE_CORE_VERSION
from tests.browser import REQUIRED

AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
#: What fails the audit: axe's two highest impacts (its "moderate" and "minor" findings are reported, not failed).
FAILING_IMPACTS = ("serious", "critical")

_RUN = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return {
        version: axe.version,
        violations: results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
        })),
    };
}"""


def axe_source() -> str:
    if not AXE_JS.exists():
        message = f"axe-core is not installed ({AXE_JS} is missing): run `make axe`"
        if REQUIRED:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def audit(page) -> list[dict]:
    """Run axe-core on the page as it stands; returns its violations (every impact)."""
    # Wagtail's page editor ships an axe-core of its own (its accessibility checks): ours replaces it.
    if page.evaluate("() => window.axe && window.axe.version") != AXE_CORE_VERSION:
        page.evaluate(axe_source())
    return page.evaluate(_RUN)["violations"]


def failing(violations) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(failures_by_page: dict[str, list[dict]]) -> str:
    """A readable list: per page, each violation with its rule, impact, help and the elements at fault."""
    lines = []
    for where, violations in failures_by_page.items():
        lines.append(f"{where}:")
        for v in violations:
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                lines.append(f"      {node['target']}")
            if len(v["nodes"]) > 5:
                lines.append(f"      … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)
